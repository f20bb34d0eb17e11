import { useParams } from 'react-router';
import { LogsViewer } from '@/features/logs/components/logs-viewer';
import type { LogKind } from '@/lib/paths';
import { useCurrentUser } from '../layout';
import { NotFound } from '../route-error';

const KINDS: readonly string[] = ['access', 'error', 'server'];

export function LogsRoute() {
  const me = useCurrentUser();
  const { domain = '', kind = '' } = useParams();
  if (!KINDS.includes(kind)) return <NotFound />;
  return <LogsViewer key={`${domain}/${kind}`} username={me.username} domain={domain} kind={kind as LogKind} />;
}
