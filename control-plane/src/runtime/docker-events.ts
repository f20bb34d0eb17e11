// The Docker events stream for one instance, filtered by label on the engine
// side. The stream ends whenever dockerd restarts or the socket hiccups, and
// the reconciler depends on it, so it reconnects with capped backoff and
// resumes from the last event it saw (a replayed event is harmless: the
// reconciler is level-triggered; a lost one would not be).
import type Docker from 'dockerode';
import type { RuntimeEvent, WatchOptions } from './container-runtime.js';
import { toRuntimeError } from './docker-errors.js';
import { instanceLabelFilter, parseLabels } from './labels.js';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

interface RawEvent {
  Type?: string;
  Action?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export function toRuntimeEvent(raw: RawEvent, instance: string): RuntimeEvent | null {
  if (raw.Type !== undefined && raw.Type !== 'container') return null;
  const attrs = raw.Actor?.Attributes ?? {};
  const labels = parseLabels(attrs, instance);
  const id = raw.Actor?.ID ?? raw.id;
  if (!labels || !id || !raw.Action) return null;
  const exit = attrs['exitCode'];
  const exitCode = exit !== undefined && /^-?\d+$/.test(exit) ? Number(exit) : null;
  const time = raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;
  return { id, action: raw.Action, labels, exitCode, time };
}

export function watchDockerEvents(
  docker: Docker,
  instance: string,
  onEvent: (e: RuntimeEvent) => void,
  options: WatchOptions = {},
): () => void {
  const filters = { type: ['container' as const], label: instanceLabelFilter(instance) };
  let stopped = false;
  let controller: AbortController | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryMs = FIRST_RETRY_MS;
  // Seconds; resume point for reconnects (Docker's `since` has 1 s granularity).
  let resumeFrom = Math.floor(Date.now() / 1000);
  let lastTimeNano = 0;

  const scheduleReconnect = (): void => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  const handleLine = (line: string): void => {
    if (line.trim() === '') return;
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch {
      return; // a torn line can only come from a dying stream; the reconnect replays it
    }
    if (raw.timeNano !== undefined) {
      if (raw.timeNano < lastTimeNano) return; // replayed after a reconnect
      lastTimeNano = raw.timeNano;
    }
    if (raw.time !== undefined) resumeFrom = raw.time;
    const event = toRuntimeEvent(raw, instance);
    if (event) onEvent(event);
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const ctl = new AbortController();
    controller = ctl;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.getEvents({ since: resumeFrom, filters, abortSignal: ctl.signal });
    } catch (err) {
      if (!stopped) options.onError?.(toRuntimeError('watch events', err));
      scheduleReconnect();
      return;
    }
    if (stopped) {
      ctl.abort();
      return;
    }
    retryMs = FIRST_RETRY_MS;
    let buffered = '';
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        handleLine(line);
      }
    });
    let ended = false;
    const onEnd = (err?: unknown): void => {
      if (ended) return;
      ended = true;
      if (stopped) return;
      if (err) options.onError?.(toRuntimeError('watch events', err));
      scheduleReconnect();
    };
    stream.on('error', onEnd);
    stream.on('end', () => onEnd());
    stream.on('close', () => onEnd());
  };

  void connect();
  return () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    controller?.abort();
  };
}
