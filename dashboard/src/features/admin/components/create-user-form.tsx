import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useCreateUser } from '../api/users';
import { dayToExpiry } from '../lib/dates';
import { ShownOnce } from './shown-once';
import { TeacherOptions } from './teacher-options';

const FIELDS = ['username', 'password', 'teacher', 'expires_at'];

/** One new account; without a password typed, the server makes one up and it is shown once here. */
export function CreateUserForm({ teachers }: { teachers: string[] }) {
  const create = useCreateUser();
  const listId = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [teacher, setTeacher] = useState('');
  const [day, setDay] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [isTeacher, setIsTeacher] = useState(false);
  const fieldError = (name: string) => (create.error instanceof ApiError && create.error.field === name ? create.error.detail : null);
  const general = create.error instanceof ApiError && FIELDS.includes(create.error.field ?? '') ? null : create.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        username: username.trim(),
        ...(password ? { password } : {}),
        is_admin: isAdmin,
        is_teacher: isTeacher,
        ...(teacher.trim() ? { teacher: teacher.trim() } : {}),
        ...(day ? { expires_at: dayToExpiry(day) } : {}),
      },
      { onSuccess: () => { setUsername(''); setPassword(''); } },
    );
  };

  return (
    <section className="card" aria-labelledby="create-one-heading">
      <h2 id="create-one-heading">Create one account</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="grid-2">
          <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoCapitalize="none" spellCheck={false} autoComplete="off" error={fieldError('username')} hint="Lowercase letters and digits, starting with a letter." />
          <Field label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={fieldError('password')} hint="Leave empty to have one made up (shown once)." />
          <Field label="Teacher" list={listId} value={teacher} onChange={(e) => setTeacher(e.target.value)} autoCapitalize="none" spellCheck={false} error={fieldError('teacher')} hint="Optional: the teacher who may look at this account’s things." />
          <Field label="Expires on" type="date" value={day} onChange={(e) => setDay(e.target.value)} error={fieldError('expires_at')} hint="Optional: disabled automatically at the end of that day." />
        </div>
        <TeacherOptions id={listId} teachers={teachers} />
        <div className="row wrap">
          <label className="check"><input type="checkbox" checked={isTeacher} onChange={(e) => setIsTeacher(e.target.checked)} /> Teacher</label>
          <label className="check"><input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} /> Administrator</label>
        </div>
        <ErrorMessage error={general} />
        <button type="submit" className="primary align-start" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create account'}</button>
      </form>
      {create.data ? (
        <div className="notice" role="status">
          <p>Created <strong>{create.data.user.username}</strong>.{create.data.password ? ' Their password, shown only now:' : ''}</p>
          {create.data.password ? <ShownOnce label={`Password for ${create.data.user.username}`} value={create.data.password} /> : null}
        </div>
      ) : null}
    </section>
  );
}
