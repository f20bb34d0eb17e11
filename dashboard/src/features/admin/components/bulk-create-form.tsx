import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useBulkCreateUsers } from '../api/users';
import type { BulkAccount } from '../api/types';
import { countAccounts } from '../lib/account-list';
import { dayToExpiry } from '../lib/dates';
import { BulkLineErrors } from './bulk-line-errors';
import { TeacherOptions } from './teacher-options';

/** A class list is a few kilobytes; anything much bigger is the wrong file. */
const MAX_FILE_BYTES = 1 << 20;

/** Many accounts from a pasted list or a CSV file: all are created, or none (each refused line is named). */
export function BulkCreateForm({ teachers, onCreated }: { teachers: string[]; onCreated(accounts: BulkAccount[]): void }) {
  const bulk = useBulkCreateUsers();
  const ids = { text: useId(), hint: useId(), errors: useId(), list: useId() };
  const [text, setText] = useState('');
  const [teacher, setTeacher] = useState('');
  const [day, setDay] = useState('');
  const [isTeacher, setIsTeacher] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const lineErrors = bulk.error instanceof ApiError && bulk.error.lines?.length ? bulk.error : null;
  const fieldError = (name: string) => (bulk.error instanceof ApiError && bulk.error.field === name ? bulk.error.detail : null);
  const general = lineErrors || (bulk.error instanceof ApiError && ['teacher', 'expires_at'].includes(bulk.error.field ?? '')) ? null : bulk.error;

  const pickFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) return setFileError(`${file.name} is larger than 1 MiB: choose the CSV of the class list.`);
    setFileError(null);
    setText(await file.text());
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    bulk.mutate(
      { text, is_teacher: isTeacher, ...(teacher.trim() ? { teacher: teacher.trim() } : {}), ...(day ? { expires_at: dayToExpiry(day) } : {}) },
      { onSuccess: (accounts) => { setText(''); onCreated(accounts); } },
    );
  };

  const n = countAccounts(text);
  return (
    <section className="card" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading">Create many accounts</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={ids.text}>Accounts, one a line</label>
          <textarea
            id={ids.text}
            className="mono bulk-text"
            rows={10}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            autoCapitalize="none"
            aria-invalid={lineErrors ? true : undefined}
            aria-describedby={[ids.hint, lineErrors ? ids.errors : ''].filter(Boolean).join(' ')}
            placeholder={'ann\nbob,a-password-for-bob\ncarla'}
          />
          <small id={ids.hint} className="hint">
            <code>username</code> or <code>username,password</code> on each line, as pasted from a spreadsheet or a CSV file (a header line and lines starting with # are skipped). Accounts without a password get one made up.
            {n > 0 ? ` ${n} ${n === 1 ? 'account' : 'accounts'} in the list.` : ''}
          </small>
        </div>
        <div className="field">
          <label htmlFor={`${ids.text}-file`}>Or read a CSV file</label>
          <input id={`${ids.text}-file`} type="file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => void pickFile(e)} />
          {fileError ? <small className="field-error" role="alert">{fileError}</small> : null}
        </div>
        <div className="grid-2">
          <Field label="Teacher of these accounts" list={ids.list} value={teacher} onChange={(e) => setTeacher(e.target.value)} autoCapitalize="none" spellCheck={false} error={fieldError('teacher')} hint="Optional: they become this teacher’s students." />
          <Field label="These accounts expire on" type="date" value={day} onChange={(e) => setDay(e.target.value)} error={fieldError('expires_at')} hint="Optional, for a workshop: disabled automatically at the end of that day." />
        </div>
        <TeacherOptions id={ids.list} teachers={teachers} />
        <label className="check"><input type="checkbox" checked={isTeacher} onChange={(e) => setIsTeacher(e.target.checked)} /> Make them teachers</label>
        {lineErrors ? <BulkLineErrors id={ids.errors} detail={lineErrors.detail} lines={lineErrors.lines ?? []} /> : null}
        <ErrorMessage error={general} />
        <button type="submit" className="primary align-start" disabled={bulk.isPending || n === 0}>
          {bulk.isPending ? 'Creating…' : n > 0 ? `Create ${n} ${n === 1 ? 'account' : 'accounts'}` : 'Create accounts'}
        </button>
      </form>
    </section>
  );
}
