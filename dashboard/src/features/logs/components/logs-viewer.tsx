import { useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { formatBytes, formatDate } from '@/lib/format';
import type { LogKind } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import { logDownloadUrl, logStreamUrl, useLogFiles, useLogTail } from '../api/logs';
import { useLogStream, type StreamState } from '../api/use-log-stream';
import { LogView } from './log-view';

/** Lines kept in the browser; older ones drop off the top (the download has them). */
export const MAX_LINES = 20_000;
const TAIL_LINES = 1000;
const KINDS: { kind: LogKind; label: string }[] = [
  { kind: 'access', label: 'Access log' },
  { kind: 'error', label: 'Error log' },
  { kind: 'server', label: 'Server log' },
];

const STREAM_TEXT: Record<StreamState, string> = { connecting: 'Connecting…', live: '● Live', reconnecting: 'Reconnecting…', off: 'Not live' };

interface PaneProps {
  username: string;
  domain: string;
  kind: LogKind;
  rotation: number;
}

/** One file's lines: the tail, then (for the live file) whatever is written next. */
function LogPane({ username, domain, kind, rotation }: PaneProps) {
  const tail = useLogTail(username, domain, kind, rotation, TAIL_LINES);
  const [streamed, setStreamed] = useState<string[]>([]);
  const [frozen, setFrozen] = useState<string[] | null>(null);
  const [filter, setFilter] = useState('');
  const live = rotation === 0;

  const onLines = useCallback((batch: string[]) => setStreamed((prev) => [...prev, ...batch].slice(-MAX_LINES)), []);
  const stream = useLogStream(live && tail.data ? logStreamUrl(username, domain, kind, tail.data.offset) : null, onLines);

  const all = useMemo(() => [...(tail.data?.lines ?? []), ...streamed].slice(-MAX_LINES), [tail.data, streamed]);
  const paused = frozen !== null;
  const shown = frozen ?? all;
  const needle = filter.trim().toLowerCase();
  const visible = useMemo(() => (needle ? shown.filter((l) => l.toLowerCase().includes(needle)) : shown), [shown, needle]);
  const fileName = tail.data?.file ?? `${domain}.${kind}.log`;

  return (
    <>
      <div className="toolbar row wrap" role="toolbar" aria-label="Log controls">
        {live ? (
          <button type="button" aria-pressed={paused} onClick={() => setFrozen(paused ? null : all)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        ) : null}
        <div className="field inline">
          <label htmlFor="log-filter">Filter</label>
          <input id="log-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="text to look for" />
        </div>
        <a className="button" href={logDownloadUrl(username, domain, kind, rotation)} download={fileName}>
          Download
        </a>
        <span role="status" className={`muted stream-state ${live && !paused ? `stream-${stream}` : ''}`}>
          {live ? (paused ? `Paused — ${all.length - shown.length > 0 ? `${all.length - shown.length} new lines` : 'no new lines'}` : STREAM_TEXT[stream]) : 'Rotated file (not live)'}
          {needle ? ` · ${visible.length} of ${shown.length} lines match` : ''}
        </span>
      </div>
      {tail.isPending ? <Spinner label="Loading the log" /> : null}
      <ErrorMessage error={tail.error} title="Could not read the log" />
      {tail.data?.truncated ? <p className="muted">Showing the last lines only; download the file for all of it.</p> : null}
      {tail.data ? <LogView lines={visible} label={`${fileName} contents`} follow={live && !paused} /> : null}
    </>
  );
}

/** The logs viewer: access, error and server logs of one app, live or from the rotated history. */
export function LogsViewer({ username, domain, kind }: { username: string; domain: string; kind: LogKind }) {
  const paths = usePaths();
  const [rotation, setRotation] = useState(0);
  const files = useLogFiles(username, domain);
  const rotated = (files.data ?? []).filter((f) => f.kind === kind && f.rotation > 0);

  return (
    <Page title={`${KINDS.find((k) => k.kind === kind)?.label ?? 'Log'} — ${domain}`} actions={<Link to={paths.webapp(domain)}>Back to the Web tab</Link>}>
      <nav aria-label="Log files" className="tabs">
        {KINDS.map((k) => (
          <Link key={k.kind} to={paths.logs(domain, k.kind)} aria-current={k.kind === kind ? 'page' : undefined} className={k.kind === kind ? 'tab active' : 'tab'}>
            {k.label}
          </Link>
        ))}
      </nav>
      <div className="field inline">
        <label htmlFor="log-file">File</label>
        <select id="log-file" value={rotation} onChange={(e) => setRotation(Number(e.target.value))}>
          <option value={0}>Live: {domain}.{kind}.log</option>
          {rotated.map((f) => (
            <option key={f.name} value={f.rotation}>
              {f.name} ({formatBytes(f.size)}, {formatDate(f.modified)})
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={files.error} />
      <LogPane key={`${kind}/${rotation}`} username={username} domain={domain} kind={kind} rotation={rotation} />
    </Page>
  );
}
