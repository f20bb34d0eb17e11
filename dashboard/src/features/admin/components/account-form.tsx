import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useUpdateUser } from '../api/users';
import type { AdminUser, UserPatch } from '../api/types';
import { dayToExpiry, expiryToDay } from '../lib/dates';
import { TeacherOptions } from './teacher-options';

interface AccountFormProps {
  user: AdminUser;
  /** Usernames of the teachers, offered for the teacher field. */
  teachers: string[];
  /** The signed-in admin: nobody takes their own admin mark away. */
  self: boolean;
}

/** Only what changed: a PATCH never rewrites a field the admin did not touch. */
function changes(user: AdminUser, form: { isAdmin: boolean; isTeacher: boolean; teacher: string; day: string }): UserPatch {
  const patch: UserPatch = {};
  if (form.isAdmin !== user.is_admin) patch.is_admin = form.isAdmin;
  if (form.isTeacher !== user.is_teacher) patch.is_teacher = form.isTeacher;
  const teacher = form.teacher.trim() || null;
  if (teacher !== user.teacher) patch.teacher = teacher;
  if (form.day !== expiryToDay(user.expires_at)) patch.expires_at = form.day ? dayToExpiry(form.day) : null;
  return patch;
}

/** Roles, teacher and expiry of one account, saved together. */
export function AccountForm({ user, teachers, self }: AccountFormProps) {
  const update = useUpdateUser(user.username);
  const listId = useId();
  const [isAdmin, setIsAdmin] = useState(user.is_admin);
  const [isTeacher, setIsTeacher] = useState(user.is_teacher);
  const [teacher, setTeacher] = useState(user.teacher ?? '');
  const [day, setDay] = useState(expiryToDay(user.expires_at));
  const patch = changes(user, { isAdmin, isTeacher, teacher, day });
  const dirty = Object.keys(patch).length > 0;
  const fieldError = (name: string) => (update.error instanceof ApiError && update.error.field === name ? update.error.detail : null);
  const general = update.error instanceof ApiError && ['teacher', 'expires_at'].includes(update.error.field ?? '') ? null : update.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) update.mutate(patch);
  };

  return (
    <form className="card stack" aria-labelledby="account-form-heading" onSubmit={submit} noValidate>
      <h2 id="account-form-heading">Roles, teacher and expiry</h2>
      <label className="check">
        <input type="checkbox" checked={isAdmin} disabled={self} onChange={(e) => setIsAdmin(e.target.checked)} />
        Administrator: runs this Pyhost (accounts, sign-up, limits)
      </label>
      {self ? <small className="hint">You cannot take your own administrator role away; another admin can.</small> : null}
      <label className="check">
        <input type="checkbox" checked={isTeacher} onChange={(e) => setIsTeacher(e.target.checked)} />
        Teacher: makes invite codes and sees their students’ things
      </label>
      <Field
        label="Teacher"
        list={listId}
        value={teacher}
        onChange={(e) => setTeacher(e.target.value)}
        autoCapitalize="none"
        spellCheck={false}
        hint="The teacher who may look at this account’s things. Empty: none."
        error={fieldError('teacher')}
      />
      <TeacherOptions id={listId} teachers={teachers.filter((t) => t !== user.username)} />
      <div className="row wrap align-end">
        <Field
          label="Expires on"
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          hint="Disabled automatically at the end of that day (never deleted). Empty: never."
          error={fieldError('expires_at')}
        />
        {day ? <button type="button" onClick={() => setDay('')}>Never expires</button> : null}
      </div>
      <ErrorMessage error={general} />
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || update.isPending}>{update.isPending ? 'Saving…' : 'Save'}</button>
        {update.isSuccess && !dirty ? <span className="ok" role="status">Saved</span> : null}
      </div>
    </form>
  );
}
