import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { useResetPassword } from '../api/users';
import { ShownOnce } from './shown-once';

/** A new password (typed, or made by the server and shown once); everything the account had signed in ends. */
export function PasswordSection({ username }: { username: string }) {
  const reset = useResetPassword(username);
  const [password, setPassword] = useState('');
  const [asking, setAsking] = useState(false);
  const [generated, setGenerated] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setGenerated(null);
    setAsking(true);
  };
  const confirm = () =>
    reset.mutate(password || undefined, {
      onSuccess: (r) => {
        setGenerated(r.password ?? null);
        setPassword('');
      },
      onSettled: () => setAsking(false),
    });

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form className="row wrap align-end" onSubmit={submit} noValidate>
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint="Leave empty to have one made up (shown once)."
          className="grow"
        />
        <button type="submit" disabled={reset.isPending}>Reset password</button>
      </form>
      <ErrorMessage error={reset.error} />
      {reset.isSuccess && !asking ? (
        <div className="notice" role="status">
          <p>The password of {username} is changed; every session and API token of theirs has ended.</p>
          {generated ? (
            <>
              <p>Their new password, shown only now:</p>
              <ShownOnce label={`New password for ${username}`} value={generated} />
            </>
          ) : null}
        </div>
      ) : null}
      {asking ? (
        <ConfirmDialog title={`Reset the password of ${username}?`} confirmLabel="Reset password" danger busy={reset.isPending} onConfirm={confirm} onCancel={() => setAsking(false)}>
          <p>{username} is logged out everywhere at once, and their API tokens stop working.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
