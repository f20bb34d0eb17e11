import { Navigate, Outlet, useNavigate, useParams } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useWebapps } from '@/features/webapps/api/webapps';
import { CompareServers } from '@/features/compare/components/compare-servers';
import { NewWebappWizard } from '@/features/webapps/components/new-webapp-wizard';
import { WebTab } from '@/features/webapps/components/web-tab';
import { WebappList } from '@/features/webapps/components/webapp-list';
import { useWebsites } from '@/features/websites/api/websites';
import { NewWebsiteForm } from '@/features/websites/components/new-website-form';
import { WebsiteList } from '@/features/websites/components/website-list';
import { WebsitePage } from '@/features/websites/components/website-page';
import { usePaths, useViewedAccount } from '@/lib/viewed-account';
import { useCurrentUser } from '../layout';

/** The Web tab: the list of apps beside the selected one, as on PythonAnywhere. */
export function WebLayout() {
  const me = useCurrentUser();
  const { username } = useViewedAccount();
  return (
    <div className="with-sidebar">
      <WebappList username={username}>
        <WebsiteList username={username} />
      </WebappList>
      <div className="main-column">
        <Outlet context={me} />
      </div>
    </div>
  );
}

/** /web: the first web app, else the first website, else how to make one. */
export function WebIndexRoute() {
  const me = useCurrentUser();
  const viewed = useViewedAccount();
  const paths = usePaths();
  const apps = useWebapps(viewed.username);
  const sites = useWebsites(viewed.username);
  if (apps.isPending || sites.isPending) return <Spinner label="Loading web apps" />;
  if (apps.error) return <ErrorMessage error={apps.error} title="Could not load the web apps" />;
  const first = apps.data?.[0];
  if (first) return <Navigate to={paths.webapp(first.domain_name)} replace />;
  const firstSite = sites.data?.[0];
  if (firstSite) return <Navigate to={paths.website(firstSite.domain_name)} replace />;
  return (
    <div className="card">
      <h1>Web apps</h1>
      {viewed.as ? (
        <p>{viewed.username} has no web apps yet.</p>
      ) : (
        <p>You have no web apps yet. Press <strong>Add a new web app</strong> to publish your first site at <span className="mono">{me.username}.{me.domain}</span>.</p>
      )}
    </div>
  );
}

export function NewWebappRoute() {
  const me = useCurrentUser();
  const { username } = useViewedAccount();
  const paths = usePaths();
  const navigate = useNavigate();
  return <NewWebappWizard username={username} baseDomain={me.domain} onCreated={(app) => navigate(paths.webapp(app.domain_name))} />;
}

export function WebTabRoute() {
  const { username } = useViewedAccount();
  const paths = usePaths();
  const navigate = useNavigate();
  const { domain = '' } = useParams();
  return (
    <WebTab key={`${username}/${domain}`} username={username} domain={domain} onDeleted={() => navigate(paths.web, { replace: true })}
      extra={<CompareServers username={username} domain={domain} />} />
  );
}

export function NewWebsiteRoute() {
  const me = useCurrentUser();
  const { username } = useViewedAccount();
  const paths = usePaths();
  const navigate = useNavigate();
  return <NewWebsiteForm username={username} baseDomain={me.domain} onCreated={(site) => navigate(paths.website(site.domain_name))} />;
}

export function WebsiteRoute() {
  const { username } = useViewedAccount();
  const paths = usePaths();
  const navigate = useNavigate();
  const { domain = '' } = useParams();
  return <WebsitePage key={`${username}/${domain}`} username={username} domain={domain} onDeleted={() => navigate(paths.web, { replace: true })} />;
}
