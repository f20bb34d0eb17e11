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

/**
 * One watch on the engine: the stream it follows now, where to resume from
 * after a reconnect, and how long to wait before the next attempt.
 */
class DockerEventsWatch {
  private readonly filters;
  private stopped = false;
  private controller: AbortController | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  // Seconds; resume point for reconnects (Docker's `since` has 1 s granularity).
  private resumeFrom = Math.floor(Date.now() / 1000);
  private lastTimeNano = 0;

  constructor(
    private readonly docker: Docker,
    private readonly instance: string,
    private readonly onEvent: (e: RuntimeEvent) => void,
    private readonly options: WatchOptions,
  ) {
    this.filters = { type: ['container' as const], label: instanceLabelFilter(instance) };
  }

  async connect(): Promise<void> {
    if (this.stopped) return;
    const ctl = new AbortController();
    this.controller = ctl;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.getEvents({ since: this.resumeFrom, filters: this.filters, abortSignal: ctl.signal });
    } catch (err) {
      if (!this.stopped) this.options.onError?.(toRuntimeError('watch events', err));
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      ctl.abort();
      return;
    }
    this.retryMs = FIRST_RETRY_MS;
    this.follow(stream);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.controller?.abort();
  }

  /** Reads the stream's JSON lines until it ends, then reconnects. */
  private follow(stream: NodeJS.ReadableStream): void {
    let buffered = '';
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.handleLine(line);
      }
    });
    let ended = false;
    const onEnd = (err?: unknown): void => {
      if (ended) return;
      ended = true;
      if (this.stopped) return;
      if (err) this.options.onError?.(toRuntimeError('watch events', err));
      this.scheduleReconnect();
    };
    stream.on('error', onEnd);
    stream.on('end', () => onEnd());
    stream.on('close', () => onEnd());
  }

  private handleLine(line: string): void {
    if (line.trim() === '') return;
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch {
      return; // a torn line can only come from a dying stream; the reconnect replays it
    }
    if (raw.timeNano !== undefined) {
      if (raw.timeNano < this.lastTimeNano) return; // replayed after a reconnect
      this.lastTimeNano = raw.timeNano;
    }
    if (raw.time !== undefined) this.resumeFrom = raw.time;
    const event = toRuntimeEvent(raw, this.instance);
    if (event) this.onEvent(event);
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}

/** Calls onEvent with every event of the instance's containers, until the returned function is called. */
export function watchDockerEvents(
  docker: Docker,
  instance: string,
  onEvent: (e: RuntimeEvent) => void,
  options: WatchOptions = {},
): () => void {
  const watch = new DockerEventsWatch(docker, instance, onEvent, options);
  void watch.connect();
  return () => watch.stop();
}
