import type { WebappUsageReply } from '../api/types';

// The usage reply shaped for the charts (uPlot's columns: x first, one array
// per series) and for the text a screen reader gets. Pure, so it is tested
// without a canvas.

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/** uPlot's aligned data: seconds on x, then each series; null is a gap. */
export type Columns = [number[], ...(number | null)[][]];

export interface UsageMarker {
  /** Unix seconds, as the charts' x. */
  readonly at: number;
  readonly kind: 'reload' | 'restart';
}

export interface UsageCharts {
  /**
   * Requests per minute, stacked: each series is the sum of its class and
   * those before it, the biggest sum first (5xx and all below it, …, 2xx)
   * so that each class's band is drawn over the one it sits on.
   */
  readonly requests: Columns;
  /** p50, p99 in ms. */
  readonly latency: Columns;
  /** % of one CPU. */
  readonly cpu: Columns;
  /** MiB. */
  readonly memory: Columns;
  readonly markers: UsageMarker[];
}

const MiB = 1024 * 1024;

export function usageCharts(u: WebappUsageReply): UsageCharts {
  const x = u.buckets.map((b) => Date.parse(b.start) / 1000);
  const perMinute = 60 / u.bucket_seconds;
  const stacked = STATUS_CLASSES.map((_, i) =>
    u.buckets.map((b) => STATUS_CLASSES.slice(0, i + 1).reduce((sum, c) => sum + b.requests[c], 0) * perMinute),
  );
  return {
    requests: [x, ...stacked.reverse()],
    latency: [x, u.buckets.map((b) => b.p50_ms), u.buckets.map((b) => b.p99_ms)],
    cpu: [x, u.buckets.map((b) => (b.cpu_seconds === null ? null : (b.cpu_seconds / u.bucket_seconds) * 100))],
    memory: [x, u.buckets.map((b) => (b.memory_bytes === null ? null : b.memory_bytes / MiB))],
    markers: u.markers.map((m) => ({ at: Date.parse(m.at) / 1000, kind: m.kind })),
  };
}

const periodWords = { hour: 'the last hour', day: 'the last 24 hours' } as const;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** The whole period in words, for the caption everyone (and a screen reader) reads. */
export function usageSummary(u: WebappUsageReply): string[] {
  const { totals } = u;
  const lines = [`${plural(totals.requests, 'request')} in ${periodWords[u.period]}`];
  if (totals.requests > 0) lines[0] += ` (${STATUS_CLASSES.map((c) => `${totals[c].toLocaleString('en')} ${c}`).join(', ')})`;
  const p99 = u.buckets.reduce<number | null>((max, b) => (b.p99_ms === null ? max : Math.max(max ?? 0, b.p99_ms)), null);
  if (p99 !== null) lines.push(`slowest minute's 99th percentile: ${formatMs(p99)}`);
  const cpu = u.buckets.reduce<number | null>((sum, b) => (b.cpu_seconds === null ? sum : (sum ?? 0) + b.cpu_seconds), null);
  const memory = u.buckets.reduce<number | null>((max, b) => (b.memory_bytes === null ? max : Math.max(max ?? 0, b.memory_bytes)), null);
  lines.push(cpu === null ? 'no CPU readings yet' : `${cpu.toFixed(1)} CPU seconds used`);
  if (memory !== null) lines.push(`memory up to ${(memory / MiB).toFixed(1)} MiB`);
  const reloads = u.markers.filter((m) => m.kind === 'reload').length;
  const restarts = u.markers.length - reloads;
  lines.push(`${plural(reloads, 'reload')}, ${plural(restarts, 'restart')}`);
  return lines;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
