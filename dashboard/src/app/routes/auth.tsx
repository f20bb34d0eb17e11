import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Spinner } from '@/components/spinner';
import { useInstance } from '@/features/auth/api/get-instance';
import { useMe, type SignupMode } from '@/features/auth/api/get-me';
import { useSetupState } from '@/features/auth/api/setup';
import { LoginForm } from '@/features/auth/components/login-form';
import { paths } from '@/lib/paths';

/** Only paths inside the dashboard: ?next= must not send anyone to another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/web';
}

export function AuthPage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="centered auth-page">
      <div className="card auth-card">
        <p className="brand-big">
          <img src="/favicon.svg" alt="" width={32} height={32} /> Pyhost
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function LoginRoute() {
  const me = useMe();
  const instance = useInstance();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const setup = useSetupState();
  if (me.data) return <Navigate to={next} replace />;
  // No account exists yet, so nobody could log in: the first admin is made on the setup page.
  if (setup.data?.required) return <Navigate to="/setup" replace />;
  return (
    <AuthPage title="Log in">
      {me.isPending ? <Spinner /> : <LoginForm onSuccess={() => navigate(next, { replace: true })} />}
      <SignupLink mode={instance.data?.signup} />
    </AuthPage>
  );
}

/** The log-in page's way to sign-up, as the instance's sign-up mode allows. */
export function SignupLink({ mode }: { mode: SignupMode | undefined }) {
  if (mode === 'open') return <p>New here? <Link to={paths.signup}>Create an account</Link></p>;
  if (mode === 'invite') {
    return (
      <p>
        New here? <Link to={paths.signup}>Create an account</Link>: you need a sign-up link from your teacher.
      </p>
    );
  }
  return null;
}
