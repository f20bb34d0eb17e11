import { Link, Navigate, Outlet, useLocation, useParams } from 'react-router';
import { ViewingBanner } from '@/features/teaching/components/viewing-banner';
import { ownPathOf, paths } from '@/lib/paths';
import { ViewedAccountProvider } from '@/lib/viewed-account';
import { useCurrentUser } from '../layout';

/**
 * /u/<username>/…: a student's (or, for an admin, anyone's) Web tab, files,
 * editor, logs and consoles: the same pages as your own, under a banner.
 * Whether you may see them is the API's to say: a stranger's things answer
 * 404 on every page.
 */
export function ViewingLayout() {
  const me = useCurrentUser();
  const { username = '' } = useParams();
  const { pathname, search } = useLocation();
  if (username === me.username) return <Navigate to={(ownPathOf(pathname, username) ?? paths.web) + search} replace />;
  if (!me.is_teacher && !me.is_admin) {
    return (
      <div className="card" role="alert">
        <h1>Not yours to see</h1>
        <p>
          Only a teacher (for their students) or an administrator can open another account's things. <Link to={paths.web}>Go to your web apps</Link>.
        </p>
      </div>
    );
  }
  return (
    <ViewedAccountProvider key={username} value={{ username, as: me.is_admin ? 'admin' : 'teacher' }}>
      <ViewingBanner />
      <Outlet context={me} />
    </ViewedAccountProvider>
  );
}
