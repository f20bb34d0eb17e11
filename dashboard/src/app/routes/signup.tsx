import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useInstance } from '@/features/auth/api/get-instance';
import { useMe, type SignupMode } from '@/features/auth/api/get-me';
import { SignupForm } from '@/features/auth/components/signup-form';
import { InviteSummary } from '@/features/teaching/components/invite-summary';
import { useInviteCheck } from '@/features/teaching/api/invites';
import { paths } from '@/lib/paths';
import { AuthPage } from './auth';

/** /signup?code=…: whose class you join and until when, then the form that sends the code along. */
function SignupWithCode({ code, mode }: { code: string; mode: SignupMode }) {
  const check = useInviteCheck(code);
  const navigate = useNavigate();
  if (check.isPending) return <Spinner label="Checking your sign-up link" />;
  const valid = check.data?.valid === true;
  return (
    <>
      {check.data ? <InviteSummary check={check.data} /> : <ErrorMessage error={check.error} />}
      {valid ? <SignupForm code={code} onSuccess={() => navigate(paths.newWebapp, { replace: true })} /> : null}
      {!valid && mode === 'open' ? <p><Link to={paths.signup}>Create an account without joining a class</Link></p> : null}
    </>
  );
}

export function SignupRoute() {
  const instance = useInstance();
  const me = useMe();
  const navigate = useNavigate();
  const code = useSearchParams()[0].get('code')?.trim() || null;
  if (me.data) return <Navigate to={paths.web} replace />;
  const mode = instance.data?.signup;
  return (
    <AuthPage title="Create your account">
      {instance.isPending ? <Spinner /> : null}
      <ErrorMessage error={instance.error} />
      {mode === 'closed' ? <p role="alert">Sign-up is closed on this Pyhost: ask its administrator for an account.</p> : null}
      {mode && mode !== 'closed' && code ? <SignupWithCode code={code} mode={mode} /> : null}
      {mode === 'invite' && !code ? (
        <p role="alert">You need a sign-up link from your teacher to make an account here: open the link they gave you.</p>
      ) : null}
      {mode === 'open' && !code ? <SignupForm onSuccess={() => navigate(paths.newWebapp, { replace: true })} /> : null}
      <p>
        Have an account? <Link to={paths.login}>Log in</Link>
      </p>
    </AuthPage>
  );
}

