import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { formatBytes, formatDate } from '@/lib/format';
import { useSourceFiles, useSourceTail, type LogSource } from '../api/log-source';
import { useLogStream, type StreamState } from '../api/use-log-stream';
import { LogView } from './log-view';

/** Lines kept in the browser; older ones drop off the top (the download has them). */
const MAX_LINES = 20_000;
const TAIL_LINES = 1000;
const STREAM_TEXT: Record<StreamState, string> = { connecting: 'Connecting…', live: '● Live', reconnecting: 'Reconnecting…', off: 'Not live' };

/** One file of a log: its tail, then (for the live file) whatever is written next; pause, filter, download. */
export function LogSourcePane({ source, rotation }: { source: LogSource; rotation: number }) {
  const tail = useSourceTail(source, rotation, TAIL_LINES);
  const [streamed, setStreamed] = useState<string[]>([]);
  const [frozen, setFrozen] = useState<string[] | null>(null);
  const [filter, setFilter] = useState('');
  const live = rotation === 0;

  const onLines = useCallback((batch: string[]) => setStreamed((prev) => [...prev, ...batch].slice(-MAX_LINES)), []);
  const stream = useLogStream(live && tail.data ? source.streamUrl(tail.data.offset) : null, onLines);

  const all = useMemo(() => [...(tail.data?.lines ?? []), ...streamed].slice(-MAX_LINES), [tail.data, streamed]);
  const paused = frozen !== null;
  const shown = frozen ?? all;
  const needle = filter.trim().toLowerCase();
  const visible = useMemo(() => (needle ? shown.filter((l) => l.toLowerCase().includes(needle)) : shown), [shown, needle]);
  const fileName = tail.data?.file ?? source.fileName;
  const waiting = all.length - shown.length;

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
        <a className="button" href={source.downloadUrl(rotation)} download={fileName}>
          Download
        </a>
        <span role="status" className={`muted stream-state ${live && !paused ? `stream-${stream}` : ''}`}>
          {live ? (paused ? `Paused — ${waiting > 0 ? `${waiting} new lines` : 'no new lines'}` : STREAM_TEXT[stream]) : 'Rotated file (not live)'}
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

interface LogSourceViewerProps {
  source: LogSource;
  title: string;
  /** A link back to where the log was opened from. */
  back: ReactNode;
  /** Above the file choice: what the log belongs to. */
  children?: ReactNode;
}

/** A log viewer for one log: the live file, or one of its rotated ones. */
export function LogSourceViewer({ source, title, back, children }: LogSourceViewerProps) {
  const [rotation, setRotation] = useState(0);
  const files = useSourceFiles(source);
  const rotated = (files.data ?? []).filter((f) => f.rotation > 0);
  return (
    <Page title={title} actions={back}>
      {children}
      <div className="field inline">
        <label htmlFor="log-file">File</label>
        <select id="log-file" value={rotation} onChange={(e) => setRotation(Number(e.target.value))}>
          <option value={0}>Live: {source.fileName}</option>
          {rotated.map((f) => (
            <option key={f.name} value={f.rotation}>
              {f.name} ({formatBytes(f.size)}, {formatDate(f.modified)})
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={files.error} />
      <LogSourcePane key={rotation} source={source} rotation={rotation} />
    </Page>
  );
}
