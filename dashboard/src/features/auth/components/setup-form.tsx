import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useCompleteSetup } from '../api/setup';

/** Where to find the token: the log line the api prints on a first run. */
const TOKEN_HINT = 'Printed in the api’s log at start: the line “FIRST RUN: … setup token: …” (docker compose logs api | grep "setup token").';

function fieldErrors(error: unknown, mismatch: boolean) {
  const api = error instanceof ApiError ? error : null;
  const on = (field: string) => (api?.field === field ? api.detail : null);
  return {
    // A wrong token is refused with 403 and no field: it is the token's fault.
    token: on('token') ?? (api?.status === 403 ? api.detail : null),
    username: on('username'),
    password: on('password'),
    confirm: mismatch ? 'The two passwords are not the same.' : null,
    alreadySetUp: api?.status === 409 ? api.detail : null,
  };
}

/** The first admin: the token from the log, a username and a password typed twice. */
export function SetupForm({ onSuccess }: { onSuccess(): void }) {
  const setup = useCompleteSetup();
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [checked, setChecked] = useState(false);
  const mismatch = checked && password !== confirm;
  const errors = fieldErrors(setup.error, mismatch);
  const shown = Object.values(errors).some(Boolean);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (password !== confirm) return;
    setup.mutate({ token: token.trim(), username: username.trim(), password }, { onSuccess });
  };

  if (errors.alreadySetUp) {
    return (
      <div role="alert" className="error-message">
        {errors.alreadySetUp} <Link to="/login">Log in</Link>
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="stack" noValidate>
      <Field label="Setup token" name="token" autoComplete="off" spellCheck={false} className="mono" required value={token} onChange={(e) => setToken(e.target.value)} hint={TOKEN_HINT} error={errors.token} />
      <Field label="Username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required value={username} onChange={(e) => setUsername(e.target.value)} hint="Yours, as this Pyhost’s first administrator: lowercase letters and digits, starting with a letter." error={errors.username} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} hint="At least 8 characters." error={errors.password} />
      <Field label="Password again" name="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
      <ErrorMessage error={shown ? null : setup.error} />
      <button type="submit" className="primary" disabled={setup.isPending}>{setup.isPending ? 'Setting up…' : 'Create the first admin'}</button>
    </form>
  );
}
