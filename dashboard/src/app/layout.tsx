import { Link, NavLink, Navigate, Outlet, useLocation, useNavigate, useOutletContext } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useMe, type Me } from '@/features/auth/api/get-me';
import { useLogout } from '@/features/auth/api/login';
import { ExpiryBanner } from '@/features/teaching/components/expiry-banner';
import { homeOf, paths } from '@/lib/paths';
import { ViewedAccountProvider } from '@/lib/viewed-account';

/** The signed-in user, for any page inside the layout. */
export const useCurrentUser = () => useOutletContext<Me>();

function Header({ me }: { me: Me }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const inFiles = pathname.startsWith('/files/') || pathname.startsWith('/edit/');
  return (
    <header className="topbar">
      <Link to="/web" className="brand">
        <img src="/favicon.svg" alt="" width={24} height={24} /> Pyhost
      </Link>
      <nav aria-label="Main" className="mainnav">
        <NavLink to="/web">Web</NavLink>
        <NavLink to={paths.files(homeOf(me.username))} className={({ isActive }) => (isActive || inFiles ? 'active' : '')}>
          Files
        </NavLink>
        <NavLink to="/consoles">Consoles</NavLink>
        <NavLink to={paths.tasks}>Tasks</NavLink>
        <NavLink to="/account">Account</NavLink>
        {me.is_teacher || me.is_admin ? <NavLink to="/students">Students</NavLink> : null}
        {me.is_admin ? <NavLink to="/admin">Admin</NavLink> : null}
      </nav>
      <div className="who">
        <span className="muted">{me.username}{me.is_admin ? ' (admin)' : ''}</span>
        <button type="button" className="link on-dark" onClick={() => logout.mutate(undefined, { onSuccess: () => navigate('/login') })} disabled={logout.isPending}>
          Log out
        </button>
      </div>
    </header>
  );
}

/** Everything behind the login: waits for /api/auth/me, sends strangers to the login page. */
export function AuthenticatedLayout() {
  const me = useMe();
  const here = useLocation();
  if (me.isPending) return <main className="centered"><Spinner label="Loading Pyhost" /></main>;
  if (me.error) {
    return (
      <main className="centered">
        <ErrorMessage error={me.error} title="Pyhost is not answering" />
        <button type="button" onClick={() => void me.refetch()}>Try again</button>
      </main>
    );
  }
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(here.pathname + here.search)}`} replace />;
  return (
    <>
      <a href="#main" className="skip-link">Skip to content</a>
      <Header me={me.data} />
      <main id="main" className="content">
        <ExpiryBanner expiresAt={me.data.expires_at} />
        <ViewedAccountProvider value={{ username: me.data.username, as: null }}>
          <Outlet context={me.data} />
        </ViewedAccountProvider>
      </main>
    </>
  );
}
