import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useInstance } from '@/features/auth/api/get-instance';
import { useMe } from '@/features/auth/api/get-me';
import { LoginForm } from '@/features/auth/components/login-form';
import { SignupForm } from '@/features/auth/components/signup-form';

/** Only paths inside the dashboard: ?next= must not send anyone to another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/web';
}

function AuthPage({ title, children }: { title: string; children: React.ReactNode }) {
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
  if (me.data) return <Navigate to={next} replace />;
  return (
    <AuthPage title="Log in">
      {me.isPending ? <Spinner /> : <LoginForm onSuccess={() => navigate(next, { replace: true })} />}
      {instance.data?.signup === 'open' ? (
        <p>
          New here? <Link to="/signup">Create an account</Link>
        </p>
      ) : null}
    </AuthPage>
  );
}

export function SignupRoute() {
  const instance = useInstance();
  const me = useMe();
  const navigate = useNavigate();
  if (me.data) return <Navigate to="/web" replace />;
  return (
    <AuthPage title="Create your account">
      {instance.isPending ? <Spinner /> : null}
      <ErrorMessage error={instance.error} />
      {instance.data?.signup === 'closed' ? (
        <p role="alert">Sign-up is closed on this Pyhost: ask its administrator for an account.</p>
      ) : null}
      {instance.data?.signup === 'open' ? <SignupForm onSuccess={() => navigate('/web/new', { replace: true })} /> : null}
      <p>
        Have an account? <Link to="/login">Log in</Link>
      </p>
    </AuthPage>
  );
}
