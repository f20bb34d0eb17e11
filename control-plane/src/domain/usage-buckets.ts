// A web app's Usage charts as time buckets (docs/usage-charts.md). Pure:
// the service reads the access log and the CPU ring and hands the pieces
// here.

export const USAGE_PERIODS = ['hour', 'day'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

/** hour: 60 buckets of a minute; day: 96 of 15 minutes. */
export const PERIOD_SHAPE: Record<UsagePeriod, { readonly bucketMs: number; readonly count: number }> = {
  hour: { bucketMs: 60_000, count: 60 },
  day: { bucketMs: 15 * 60_000, count: 96 },
};

export interface UsageWindow {
  readonly period: UsagePeriod;
  readonly bucketMs: number;
  readonly count: number;
  /** The first bucket's start (unix ms). */
  readonly startMs: number;
  /** The end of the last bucket (the one now falls in). */
  readonly endMs: number;
}

/** Buckets aligned to whole bucket lengths, the last one holding `nowMs`. */
export function usageWindow(period: UsagePeriod, nowMs: number): UsageWindow {
  const { bucketMs, count } = PERIOD_SHAPE[period];
  const endMs = (Math.floor(nowMs / bucketMs) + 1) * bucketMs;
  return { period, bucketMs, count, startMs: endMs - bucketMs * count, endMs };
}

/** What one access log line says that the charts need. */
export interface AccessFacts {
  readonly timeMs: number;
  readonly status: number;
  readonly durationMs: number;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
// The router's format (ingress/access-log.ts): combined, then response-time=.
// The request line and the agent are escaped there, so the first `] "` ends the time.
const LINE = /^\S+ - .*? \[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)\] "[^"]*" (\d{3}) .* response-time=(\d+(?:\.\d+)?)(?: |$)/;

/** The time, status and response time of one access log line; null for anything else (the router's own notes, a torn line). */
export function parseAccessLine(line: string): AccessFacts | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const month = MONTHS[m[2]!];
  if (month === undefined) return null;
  const offsetMs = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  const timeMs = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMs;
  return { timeMs, status: Number(m[10]), durationMs: Number(m[11]) * 1000 };
}

export type ServerEventKind = 'reload' | 'restart';

// The gateway's lines in the server log when a server starts serving
// (docs/runtime-contract.md, runtime-image/gateway/pyhost_gateway/supervisor.py):
// `2026-11-25 08:40:00,123: [pyhost] reload: uwsgi #2 (pid 12) serves app.sock after 104 ms`,
// the reason being start (a new container), reload, auto-reload (…) or restart (the server died).
const SERVER_EVENT = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}): \[pyhost\] (start|reload|auto-reload \(.*\)|restart): .+? \(pid \d+\) serves app\.sock after \d+ ms$/;
/** Any line the gateway (or the app's output) wrote, for its time alone. */
const SERVER_LINE_TIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}): /;

function gatewayTime(m: RegExpExecArray): number {
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
}

/**
 * A server log line: its time (null when it has none: a continued line) and,
 * when it says a server began serving, whether after a reload or a
 * (re)start. The app's own output shares the log, so an app can draw
 * markers on its own charts; nobody else's.
 */
export function parseServerLine(line: string): { timeMs: number | null; event: ServerEventKind | null } {
  const event = SERVER_EVENT.exec(line);
  if (event) return { timeMs: gatewayTime(event), event: event[8] === 'start' || event[8] === 'restart' ? 'restart' : 'reload' };
  const time = SERVER_LINE_TIME.exec(line);
  return { timeMs: time ? gatewayTime(time) : null, event: null };
}

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export type StatusCounts = Record<StatusClass, number>;

/** 1xx answers are counted with 2xx: the router logs only final answers, and a 101 (a WebSocket) is a success. */
export function statusClass(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

export interface RequestBucket {
  readonly requests: StatusCounts;
  /** Null when the bucket had no requests. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Collects access log lines into the window's buckets. */
export class RequestBuckets {
  private readonly counts: StatusCounts[];
  private readonly durations: number[][];

  constructor(private readonly window: UsageWindow) {
    this.counts = Array.from({ length: window.count }, () => ({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }));
    this.durations = Array.from({ length: window.count }, () => []);
  }

  /** False when the line is older than the window; lines after its end (a clock step) are ignored. */
  add(facts: AccessFacts): boolean {
    if (facts.timeMs < this.window.startMs) return false;
    const i = Math.floor((facts.timeMs - this.window.startMs) / this.window.bucketMs);
    if (i >= this.window.count) return true;
    this.counts[i]![statusClass(facts.status)]++;
    this.durations[i]!.push(facts.durationMs);
    return true;
  }

  buckets(): RequestBucket[] {
    return this.counts.map((requests, i) => {
      const sorted = this.durations[i]!.sort((a, b) => a - b);
      return { requests, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
    });
  }
}

/** A minute's CPU and memory, as the ring keeps them. */
export interface MinutePoint {
  readonly minuteMs: number;
  readonly cpuUsec: number;
  readonly memoryBytes: number | null;
}

export interface ResourceBucket {
  /** CPU seconds used in the bucket; null when no reading fell in it (not running, or before the api started). */
  readonly cpuSeconds: number | null;
  /** The highest memory in use read in the bucket. */
  readonly memoryBytes: number | null;
}

/** Minute points summed (CPU) and maxed (memory) into the window's buckets. */
export function resourceBuckets(window: UsageWindow, points: readonly MinutePoint[]): ResourceBucket[] {
  const cpu: (number | null)[] = new Array<number | null>(window.count).fill(null);
  const memory: (number | null)[] = new Array<number | null>(window.count).fill(null);
  for (const p of points) {
    if (p.minuteMs < window.startMs || p.minuteMs >= window.endMs) continue;
    const i = Math.floor((p.minuteMs - window.startMs) / window.bucketMs);
    cpu[i] = (cpu[i] ?? 0) + p.cpuUsec / 1e6;
    if (p.memoryBytes !== null) memory[i] = Math.max(memory[i] ?? 0, p.memoryBytes);
  }
  return cpu.map((cpuSeconds, i) => ({ cpuSeconds, memoryBytes: memory[i]! }));
}
