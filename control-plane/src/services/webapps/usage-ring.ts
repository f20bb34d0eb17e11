// The recent CPU and memory of each web app, for its Usage charts
// (docs/usage-charts.md). Fed by the CPU meter's sweep, which already reads
// every running container once per PYHOST_CPU_SAMPLE_SECONDS: no timer of
// its own, no extra call to the engine. Kept in memory only: an api restart
// starts the charts' CPU and memory again from nothing.

export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A day of minutes: the most points one app holds. */
export const MAX_POINTS = DAY_MS / MINUTE_MS;

/** One minute of one web app (all its containers together: old and new overlap during a redeploy). */
export interface UsagePoint {
  /** The minute's start (unix ms). */
  readonly minuteMs: number;
  /** CPU time used in the minute, in microseconds. */
  cpuUsec: number;
  /** The highest memory in use the minute's sweeps read; null when the engine said nothing. */
  memoryBytes: number | null;
}

/** One container of a web app in one sweep. */
export interface WebappReading {
  readonly webappId: number;
  readonly containerId: string;
  /** When the container was created (unix ms). */
  readonly createdMs: number;
  /** CPU time since the previous sweep, in microseconds. */
  readonly cpuUsec: number;
  readonly memoryBytes: number | null;
}

export class WebappUsageRing {
  private readonly points = new Map<number, UsagePoint[]>();
  /** Containers started while this process watched, per app (unix ms): the charts' restart markers. */
  private readonly starts = new Map<number, number[]>();
  private readonly seen = new Map<number, Set<string>>();

  /** `sinceMs`: containers created before this were already running when the api started; they are no restart. */
  constructor(private readonly sinceMs: number) {}

  /** One sweep's readings of every running web-app container. */
  recordSweep(nowMs: number, readings: readonly WebappReading[]): void {
    const minuteMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
    const memory = new Map<number, number | null>();
    for (const r of readings) {
      const point = this.pointAt(r.webappId, minuteMs);
      point.cpuUsec += r.cpuUsec;
      if (r.memoryBytes !== null) memory.set(r.webappId, (memory.get(r.webappId) ?? 0) + r.memoryBytes);
      else if (!memory.has(r.webappId)) memory.set(r.webappId, null);
      this.noteContainer(r);
    }
    for (const [id, bytes] of memory) {
      const point = this.pointAt(id, minuteMs);
      if (bytes !== null && (point.memoryBytes === null || bytes > point.memoryBytes)) point.memoryBytes = bytes;
    }
    this.prune(nowMs, new Set(readings.map((r) => r.webappId)));
  }

  /** The app's points from `fromMs` on, oldest first. */
  pointsOf(webappId: number, fromMs: number): readonly UsagePoint[] {
    return (this.points.get(webappId) ?? []).filter((p) => p.minuteMs >= fromMs);
  }

  /** When the app's containers started, from `fromMs` on (a restart after a crash, a redeploy of new settings). */
  startsOf(webappId: number, fromMs: number): readonly number[] {
    return (this.starts.get(webappId) ?? []).filter((t) => t >= fromMs);
  }

  private pointAt(webappId: number, minuteMs: number): UsagePoint {
    let list = this.points.get(webappId);
    if (!list) {
      list = [];
      this.points.set(webappId, list);
    }
    const last = list[list.length - 1];
    if (last?.minuteMs === minuteMs) return last;
    const point: UsagePoint = { minuteMs, cpuUsec: 0, memoryBytes: null };
    list.push(point);
    if (list.length > MAX_POINTS) list.shift();
    return point;
  }

  private noteContainer(r: WebappReading): void {
    let seen = this.seen.get(r.webappId);
    if (!seen) {
      seen = new Set();
      this.seen.set(r.webappId, seen);
    }
    if (seen.has(r.containerId)) return;
    seen.add(r.containerId);
    if (r.createdMs < this.sinceMs) return;
    const starts = this.starts.get(r.webappId) ?? [];
    starts.push(r.createdMs);
    this.starts.set(r.webappId, starts);
  }

  /** Drops what is older than a day, and the containers of apps that no longer run. */
  private prune(nowMs: number, running: ReadonlySet<number>): void {
    const oldest = nowMs - DAY_MS;
    for (const [id, list] of this.points) {
      while (list.length > 0 && list[0]!.minuteMs < oldest) list.shift();
      if (list.length === 0) this.points.delete(id);
    }
    for (const [id, starts] of this.starts) {
      const kept = starts.filter((t) => t >= oldest);
      if (kept.length === 0) this.starts.delete(id);
      else this.starts.set(id, kept);
    }
    for (const id of this.seen.keys()) if (!running.has(id)) this.seen.delete(id);
  }
}
