import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api-client';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import type { Credentials } from '../api/login';

interface CredentialsFormProps {
  submitLabel: string;
  busyLabel: string;
  /** New accounts get a password hint and the browser's new-password manager. */
  newAccount?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit(credentials: Credentials): void;
}

/** Username and password: the body of both the log-in and the sign-up forms. */
export function CredentialsForm({ submitLabel, busyLabel, newAccount, pending, error, onSubmit }: CredentialsFormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const fieldError = (name: string) => (error instanceof ApiError && error.field === name ? error.detail : null);
  const general = error instanceof ApiError && (error.field === 'username' || error.field === 'password') ? null : error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ username: username.trim(), password });
  };

  return (
    <form onSubmit={submit} className="stack" noValidate>
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        error={fieldError('username')}
        hint={newAccount ? 'Lowercase letters and digits, starting with a letter. It becomes your web address.' : undefined}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={newAccount ? 'new-password' : 'current-password'}
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError('password')}
        hint={newAccount ? 'At least 8 characters.' : undefined}
      />
      <ErrorMessage error={general} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? busyLabel : submitLabel}
      </button>
    </form>
  );
}
