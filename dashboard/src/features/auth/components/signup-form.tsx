import { useSignup } from '../api/login';
import { CredentialsForm } from './credentials-form';

export function SignupForm({ onSuccess }: { onSuccess(): void }) {
  const signup = useSignup();
  return (
    <CredentialsForm
      newAccount
      submitLabel="Create account"
      busyLabel="Creating your account…"
      pending={signup.isPending}
      error={signup.error}
      onSubmit={(c) => signup.mutate(c, { onSuccess })}
    />
  );
}
