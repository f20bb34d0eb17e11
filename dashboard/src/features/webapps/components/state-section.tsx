import './state-section.css';
import { ErrorMessage } from '@/components/error-message';
import { formatDate, formatDuration } from '@/lib/format';
import { StateBadge } from '@/components/state-badge';
import type { Webapp } from '../api/types';
import { useWebappAction } from '../api/webapps';
import { IdleFacts, SleepingNote } from './sleep-facts';

export { StateBadge };

/** The app's address, whether it serves (or sleeps), and the switches to stop or start it and to keep it awake. */
export function StateSection({ username, webapp }: { username: string; webapp: Webapp }) {
  const enable = useWebappAction(username, webapp.domain_name, 'enable');
  const disable = useWebappAction(username, webapp.domain_name, 'disable');
  const toggle = webapp.enabled ? disable : enable;
  const last = webapp.last_reload;
  return (
    <section className="card" aria-labelledby="state-heading">
      <h2 id="state-heading" className="visually-hidden">Address and state</h2>
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <a href={webapp.url} target="_blank" rel="noopener noreferrer" className="mono">{webapp.url}</a>
        </dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={webapp.state} />
          {/* Why it crashed, when Pyhost knows (its server kept dying): the next Reload starts it again. */}
          {webapp.crash_reason ? <p className="crash-reason" role="note" aria-label="Why it crashed">{webapp.crash_reason}</p> : null}
          {webapp.state === 'sleeping' ? <SleepingNote since={webapp.sleeping_since} /> : null}
        </dd>
        <IdleFacts username={username} webapp={webapp} />
        <dt>Last reload</dt>
        <dd>
          {last ? `${formatDate(last.at)} — ${last.ok ? `took ${formatDuration(last.duration_ms)}` : `failed: ${last.error ?? 'see the error log'}`}` : 'never'}
        </dd>
      </dl>
      <div className="row">
        <button type="button" className={webapp.enabled ? 'danger' : 'primary'} disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {toggle.isPending ? (webapp.enabled ? 'Disabling…' : 'Enabling…') : webapp.enabled ? 'Disable web app' : 'Enable web app'}
        </button>
      </div>
      <ErrorMessage error={toggle.error} />
    </section>
  );
}
