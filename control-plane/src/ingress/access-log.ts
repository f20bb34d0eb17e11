import fs from 'node:fs/promises';
import { openForAppend, rotate, type Owners } from './log-rotation.js';
import type { RouterLog } from './router-log.js';

// Per-web-app access logs, written off the hot path: a request only pushes a
// small record; a timer formats and appends them in batches, so neither the
// formatting nor the disk sits between a response and the next request.
// Lines are nginx's "combined" format plus the response time and request id:
// 1.2.3.4 - alice [25/Nov/2026:09:40:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8" response-time=0.004 request-id=Xy1-2

export interface AccessEntry {
  readonly ip: string;
  readonly user: string | undefined;
  /** Epoch ms when the request arrived. */
  readonly time: number;
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly status: number;
  readonly bytes: number;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
  readonly durationMs: number;
  readonly requestId: string;
}

export interface AccessLogOptions {
  /** Rotate when a file would grow past this (the gateway's default: 10 MiB). */
  readonly maxBytes: number;
  /** Rotated files kept (the gateway's default: 5). */
  readonly keep: number;
  readonly flushMs: number;
  readonly log: RouterLog;
}

export const DEFAULT_ACCESS_LOG = { maxBytes: 10 * 1024 * 1024, keep: 5, flushMs: 100 } as const;

/** Records waiting for a stuck disk beyond this are dropped (and counted) rather than eating memory. */
const MAX_QUEUE = 50_000;
/** A deleted or rotated-away file is noticed within this time, as the gateway does. */
const REOPEN_CHECK_MS = 1000;
/** Files of apps nobody visits are closed after this long. */
const IDLE_CLOSE_MS = 60_000;

export class AccessLogs {
  private readonly writers = new Map<string, AccessLogWriter>();

  constructor(private readonly options: AccessLogOptions) {}

  /** `uid`: the app's user; the file may be theirs, or the router's own (a log it created). */
  write(file: string, uid: number, entry: AccessEntry): void {
    let writer = this.writers.get(file);
    if (!writer) {
      writer = new AccessLogWriter(file, [uid, process.getuid?.() ?? uid], this.options);
      this.writers.set(file, writer);
    }
    writer.push(entry);
  }

  /** Writes out everything queued (at shutdown, and in tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.flush()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.close()));
    this.writers.clear();
  }
}

class AccessLogWriter {
  private queue: AccessEntry[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private handle: fs.FileHandle | null = null;
  private checkedAt = 0;

  constructor(
    private readonly file: string,
    private readonly owners: Owners,
    private readonly options: AccessLogOptions,
  ) {}

  push(entry: AccessEntry): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.dropped++;
      return;
    }
    this.queue.push(entry);
    if (this.timer === null && this.running === null) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.timer.unref();
    }
  }

  /** One batch at a time; resolves when everything queued before the call is on disk (or given up). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    if (this.queue.length === 0 && this.dropped === 0) return;
    this.running = this.writeBatch().finally(() => {
      this.running = null;
      if (this.queue.length > 0 && this.timer === null) {
        this.timer = setTimeout(() => void this.flush(), this.options.flushMs);
        this.timer.unref();
      }
    });
    await this.running;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.closeHandle();
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    let text = '';
    for (const entry of batch) text += formatAccessLine(entry);
    if (this.dropped > 0) {
      text += `[pyhost] ${this.dropped} access log lines were dropped: the log could not be written fast enough\n`;
      this.dropped = 0;
    }
    const data = Buffer.from(text);
    try {
      const handle = await this.ready(data.length);
      await handle.write(data);
    } catch (err) {
      // A full disk or a log the user broke must not take the router down; the lines are lost.
      this.options.log.warn({ err, file: this.file, lines: batch.length }, 'cannot write the access log');
      await this.closeHandle();
    }
    this.armIdleClose();
  }

  /** The open file, reopened when it was deleted or moved, rotated first when this batch would overfill it. */
  private async ready(incoming: number): Promise<fs.FileHandle> {
    const now = Date.now();
    if (this.handle && now - this.checkedAt >= REOPEN_CHECK_MS) {
      this.checkedAt = now;
      const [open, onDisk] = await Promise.all([this.handle.stat(), fs.lstat(this.file).catch(() => null)]);
      if (!onDisk || onDisk.ino !== open.ino || onDisk.dev !== open.dev) await this.closeHandle();
    }
    if (!this.handle) {
      this.handle = await openForAppend(this.file, this.owners);
      this.checkedAt = now;
    }
    const { size } = await this.handle.stat();
    if (size > 0 && size + incoming > this.options.maxBytes) {
      await this.closeHandle();
      await rotate(this.file, this.options.keep, this.owners);
      this.handle = await openForAppend(this.file, this.owners);
    }
    return this.handle;
  }

  private armIdleClose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.queue.length === 0 && this.running === null) void this.closeHandle();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let stampSecond = -1;
let stamp = '';

/** `25/Nov/2026:09:40:00 +0000`, computed once per second. */
function clfTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    const d = new Date(second * 1000);
    const p = (n: number) => (n < 10 ? `0${n}` : String(n));
    stamp = `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
    stampSecond = second;
  }
  return stamp;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\uffff]/;

/** nginx's escaping: quotes, backslashes and anything outside printable ASCII become \xHH. */
function esc(value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  if (!NEEDS_ESCAPE.test(value)) return value;
  let out = '';
  for (const byte of Buffer.from(value, 'latin1')) {
    out += byte === 0x22 || byte === 0x5c || byte < 0x20 || byte >= 0x7f ? `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

export function formatAccessLine(e: AccessEntry): string {
  return (
    `${e.ip} - ${esc(e.user)} [${clfTime(e.time)}] "${e.method} ${esc(e.url)} HTTP/${e.httpVersion}" ${e.status} ${e.bytes} ` +
    `"${esc(e.referer)}" "${esc(e.userAgent)}" response-time=${(e.durationMs / 1000).toFixed(3)} request-id=${e.requestId}\n`
  );
}
