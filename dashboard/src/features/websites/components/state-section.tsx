import { ErrorMessage } from '@/components/error-message';
import { StateBadge } from '@/components/state-badge';
import { useUpdateWebsite, type Website } from '../api/websites';

/** The address the router serves the domain at: the dashboard's own scheme and port. */
function siteUrl(domain: string): string {
  const { protocol, port } = window.location;
  return `${protocol}//${domain}${port ? `:${port}` : ''}/`;
}

/** The website's address, whether it serves (and why not), and the switch to stop or start it. */
export function WebsiteStateSection({ username, site }: { username: string; site: Website }) {
  const toggle = useUpdateWebsite(username, site.domain_name);
  const url = siteUrl(site.domain_name);
  return (
    <section className="card" aria-labelledby="state-heading">
      <h2 id="state-heading" className="visually-hidden">Address and state</h2>
      <dl className="facts">
        <dt>URL</dt>
        <dd><a href={url} target="_blank" rel="noopener noreferrer" className="mono">{url}</a></dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={site.state} />
          {/* Kept after a failed reload while the previous version serves; cleared by the next start that serves. */}
          {site.last_error && site.state === 'running' ? <p className="crash-reason" role="note" aria-label="Why the last start failed">The last reload failed: {site.last_error}</p> : null}
          {site.last_error && site.state !== 'running' ? <p className="crash-reason" role="note" aria-label="Why it does not serve">{site.last_error}</p> : null}
        </dd>
      </dl>
      <div className="row">
        <button type="button" className={site.enabled ? 'danger' : 'primary'} disabled={toggle.isPending} onClick={() => toggle.mutate({ enabled: !site.enabled })}>
          {toggle.isPending ? (site.enabled ? 'Disabling…' : 'Enabling…') : site.enabled ? 'Disable website' : 'Enable website'}
        </button>
      </div>
      <ErrorMessage error={toggle.error} />
    </section>
  );
}
