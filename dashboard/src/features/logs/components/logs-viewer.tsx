import { useMemo } from 'react';
import { Link } from 'react-router';
import type { LogKind } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import { webappLogSource, type LoggedSite } from '../api/logs';
import { LogSourceViewer } from './log-source-viewer';

const KINDS: { kind: LogKind; label: string }[] = [
  { kind: 'access', label: 'Access log' },
  { kind: 'error', label: 'Error log' },
  { kind: 'server', label: 'Server log' },
];

/** The logs viewer: access, error and server logs of one app, live or from the rotated history. */
export function LogsViewer({ username, domain, kind, site = 'webapp' }: { username: string; domain: string; kind: LogKind; site?: LoggedSite }) {
  const paths = usePaths();
  const source = useMemo(() => webappLogSource(username, domain, kind, site), [username, domain, kind, site]);
  const page = site === 'website' ? paths.website(domain) : paths.webapp(domain);
  const logPage = (k: LogKind) => (site === 'website' ? paths.websiteLogs(domain, k) : paths.logs(domain, k));
  return (
    <LogSourceViewer source={source} title={`${KINDS.find((k) => k.kind === kind)?.label ?? 'Log'} — ${domain}`} back={<Link to={page}>Back to the Web tab</Link>}>
      <nav aria-label="Log files" className="tabs">
        {KINDS.map((k) => (
          <Link key={k.kind} to={logPage(k.kind)} aria-current={k.kind === kind ? 'page' : undefined} className={k.kind === kind ? 'tab active' : 'tab'}>
            {k.label}
          </Link>
        ))}
      </nav>
    </LogSourceViewer>
  );
}
