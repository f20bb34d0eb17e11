import { Link, Navigate, useNavigate } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useMe } from '@/features/auth/api/get-me';
import { useSetupState } from '@/features/auth/api/setup';
import { SetupForm } from '@/features/auth/components/setup-form';
import { AuthPage } from './auth';

/** First run: creates the first admin with the one-time token from the api's log. */
export function SetupRoute() {
  const me = useMe();
  const setup = useSetupState();
  const navigate = useNavigate();
  if (me.data) return <Navigate to={me.data.is_admin ? '/admin' : '/web'} replace />;
  return (
    <AuthPage title="Set up this Pyhost">
      {setup.isPending ? <Spinner /> : null}
      <ErrorMessage error={setup.error} />
      {setup.data?.required ? (
        <>
          <p>This Pyhost has no account yet. Create its first administrator: you can then add accounts for everybody else.</p>
          <SetupForm onSuccess={() => navigate('/admin', { replace: true })} />
        </>
      ) : null}
      {setup.data && !setup.data.required ? (
        <p role="alert">
          This Pyhost is already set up. <Link to="/login">Log in</Link>, or ask its administrator for an account.
        </p>
      ) : null}
    </AuthPage>
  );
}
