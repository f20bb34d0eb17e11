import { useSignup } from '../api/login';
import { CredentialsForm } from './credentials-form';

/** Makes an account; with `code` (from a teacher's invite link) it becomes that teacher's student. */
export function SignupForm({ code, onSuccess }: { code?: string; onSuccess(): void }) {
  const signup = useSignup();
  return (
    <CredentialsForm
      newAccount
      submitLabel="Create account"
      busyLabel="Creating your account…"
      pending={signup.isPending}
      error={signup.error}
      onSubmit={(c) => signup.mutate(code ? { ...c, code } : c, { onSuccess })}
    />
  );
}
