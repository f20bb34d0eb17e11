import { Navigate, Outlet, useNavigate, useParams } from 'react-router';
import { Spinner } from '@/components/spinner';
import { useWebapps } from '@/features/webapps/api/webapps';
import { NewWebappWizard } from '@/features/webapps/components/new-webapp-wizard';
import { WebTab } from '@/features/webapps/components/web-tab';
import { WebappList } from '@/features/webapps/components/webapp-list';
import { paths } from '@/lib/paths';
import { useCurrentUser } from '../layout';

/** The Web tab: the list of apps beside the selected one, as on PythonAnywhere. */
export function WebLayout() {
  const me = useCurrentUser();
  return (
    <div className="with-sidebar">
      <WebappList username={me.username} />
      <div className="main-column">
        <Outlet context={me} />
      </div>
    </div>
  );
}

/** /web: the first app, or the wizard when there is none. */
export function WebIndexRoute() {
  const me = useCurrentUser();
  const apps = useWebapps(me.username);
  if (apps.isPending) return <Spinner label="Loading web apps" />;
  const first = apps.data?.[0];
  if (first) return <Navigate to={paths.webapp(first.domain_name)} replace />;
  return (
    <div className="card">
      <h1>Web apps</h1>
      <p>You have no web apps yet. Press <strong>Add a new web app</strong> to publish your first site at <span className="mono">{me.username}.{me.domain}</span>.</p>
    </div>
  );
}

export function NewWebappRoute() {
  const me = useCurrentUser();
  const navigate = useNavigate();
  return <NewWebappWizard username={me.username} baseDomain={me.domain} onCreated={(app) => navigate(paths.webapp(app.domain_name))} />;
}

export function WebTabRoute() {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { domain = '' } = useParams();
  return <WebTab key={domain} username={me.username} domain={domain} onDeleted={() => navigate('/web', { replace: true })} />;
}
