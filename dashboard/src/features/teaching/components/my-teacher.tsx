import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useRemoveTeacher, useSetTeacher } from '../api/my-teacher';

function NameTeacher({ onChanged }: { onChanged(): void }) {
  const set = useSetTeacher();
  const [name, setName] = useState('');
  const fieldError = set.error instanceof ApiError && set.error.field === 'username' ? set.error.detail : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate(name.trim(), { onSuccess: () => { setName(''); onChanged(); } });
  };
  return (
    <form onSubmit={submit} className="stack" noValidate>
      <p>You have no teacher. If you are in a class, your teacher can help you best when they can see your things: name them here.</p>
      <div className="row wrap align-end">
        <Field label="Your teacher's username" className="grow" autoCapitalize="none" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} error={fieldError} />
        <button type="submit" className="primary" disabled={set.isPending || !name.trim()}>{set.isPending ? 'Saving…' : 'Make them my teacher'}</button>
      </div>
      {fieldError ? null : <ErrorMessage error={set.error} />}
    </form>
  );
}

function CurrentTeacher({ teacher, onChanged }: { teacher: string; onChanged(): void }) {
  const remove = useRemoveTeacher();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <p>
        Your teacher is <strong className="mono">{teacher}</strong>. They can open your web apps, files, editor, logs and consoles to help you;
        everything they do there is in your audit log below.
      </p>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>Remove my teacher</button>
      <ErrorMessage error={remove.error} />
      {confirming ? (
        <ConfirmDialog
          title={`Remove ${teacher} as your teacher?`}
          confirmLabel="Remove teacher"
          danger
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate(undefined, { onSuccess: onChanged, onSettled: () => setConfirming(false) })}
        >
          <p>They can no longer see your things, and whatever of yours they have open closes at once.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/** Who your teacher is, naming one, or removing them. `onChanged`: who you are has changed. */
export function MyTeacher({ teacher, onChanged }: { teacher: string | null; onChanged(): void }) {
  return (
    <section className="card" aria-labelledby="teacher-heading">
      <h2 id="teacher-heading">Your teacher</h2>
      {teacher ? <CurrentTeacher teacher={teacher} onChanged={onChanged} /> : <NameTeacher onChanged={onChanged} />}
    </section>
  );
}
