import { useLogin } from '../api/login';
import { CredentialsForm } from './credentials-form';

export function LoginForm({ onSuccess }: { onSuccess(): void }) {
  const login = useLogin();
  return (
    <CredentialsForm
      submitLabel="Log in"
      busyLabel="Logging in…"
      pending={login.isPending}
      error={login.error}
      onSubmit={(c) => login.mutate(c, { onSuccess })}
    />
  );
}
