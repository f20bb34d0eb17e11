import { useParams } from 'react-router';
import { LogsViewer } from '@/features/logs/components/logs-viewer';
import type { LogKind } from '@/lib/paths';
import { useViewedAccount } from '@/lib/viewed-account';
import { NotFound } from '../route-error';

const KINDS: readonly string[] = ['access', 'error', 'server'];

/** A web app's logs at /web/:domain/logs/:kind, a website's at /web/websites/:domain/logs/:kind. */
export function LogsRoute({ site = 'webapp' }: { site?: 'webapp' | 'website' }) {
  const { username } = useViewedAccount();
  const { domain = '', kind = '' } = useParams();
  if (!KINDS.includes(kind)) return <NotFound />;
  return <LogsViewer key={`${username}/${site}/${domain}/${kind}`} username={username} domain={domain} kind={kind as LogKind} site={site} />;
}
