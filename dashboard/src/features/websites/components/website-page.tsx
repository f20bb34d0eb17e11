import { DeleteSection } from '@/components/delete-section';
import { ErrorMessage } from '@/components/error-message';
import { HttpsSection } from '@/components/https-section';
import { LogLinks } from '@/components/log-links';
import { Page } from '@/components/page';
import { ReloadControl, useReloadState } from '@/components/reload-result';
import { Spinner } from '@/components/spinner';
import { userApiV1 } from '@/lib/api-client';
import { usePaths } from '@/lib/viewed-account';
import { useDeleteWebsite, useReloadWebsite, useWebsite } from '../api/websites';
import { CommandSection } from './command-section';
import { PythonVersionSection } from './python-version-section';
import { WebsiteStateSection } from './state-section';

/** One website in the Web tab: its command instead of a WSGI file, and the same Reload, HTTPS, logs and Delete as a web app. */
export function WebsitePage({ username, domain, onDeleted }: { username: string; domain: string; onDeleted(): void }) {
  const paths = usePaths();
  const query = useWebsite(username, domain);
  const reload = useReloadState(useReloadWebsite(username, domain));
  const remove = useDeleteWebsite(username, domain);
  if (query.isPending) return <Spinner label={`Loading ${domain}`} />;
  if (query.error) return <ErrorMessage error={query.error} title={`Could not load ${domain}`} />;
  const site = query.data;
  return (
    <Page title={`Configuration for ${domain}`}>
      <div className="web-tab" key={site.id}>
        <section className="card reload-card" aria-label="Reload">
          <ReloadControl domain={domain} state={reload} errorLogHref={paths.websiteLogs(domain, 'error')} />
        </section>
        <WebsiteStateSection username={username} site={site} />
        <CommandSection username={username} site={site} />
        <PythonVersionSection username={username} site={site} />
        {/* v1 has no ssl/ under websites/: a website's certificate is its domain's. */}
        <HttpsSection sslUrl={userApiV1(username, 'domains', domain, 'ssl', '')} site={site} />
        <LogLinks domain={domain} hrefOf={(kind) => paths.websiteLogs(domain, kind)} />
        {/* The router serves a website from its socket only (ingress/route-table.ts): no static files or protection yet. */}
        <section className="card" aria-labelledby="not-for-websites-heading">
          <h2 id="not-for-websites-heading">Static files and security</h2>
          <p className="muted">Not available for websites yet: static file mappings, password protection and force HTTPS are for web apps. Serve static files from your own server.</p>
        </section>
        <DeleteSection domain={domain} what="Stops the website and removes its configuration. Your code and logs stay in your files." remove={remove} onDeleted={onDeleted} />
      </div>
    </Page>
  );
}
