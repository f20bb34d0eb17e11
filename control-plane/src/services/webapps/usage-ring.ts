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
  /** CPU time since the previous sweep, in microseconds. */
  readonly cpuUsec: number;
  readonly memoryBytes: number | null;
}

export class WebappUsageRing {
  private readonly points = new Map<number, UsagePoint[]>();

  /** One sweep's readings of every running web-app container. */
  recordSweep(nowMs: number, readings: readonly WebappReading[]): void {
    const minuteMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
    const memory = new Map<number, number | null>();
    for (const r of readings) {
      const point = this.pointAt(r.webappId, minuteMs);
      point.cpuUsec += r.cpuUsec;
      if (r.memoryBytes !== null) memory.set(r.webappId, (memory.get(r.webappId) ?? 0) + r.memoryBytes);
      else if (!memory.has(r.webappId)) memory.set(r.webappId, null);
    }
    for (const [id, bytes] of memory) {
      const point = this.pointAt(id, minuteMs);
      if (bytes !== null && (point.memoryBytes === null || bytes > point.memoryBytes)) point.memoryBytes = bytes;
    }
    this.prune(nowMs);
  }

  /** The app's points from `fromMs` on, oldest first. */
  pointsOf(webappId: number, fromMs: number): readonly UsagePoint[] {
    return (this.points.get(webappId) ?? []).filter((p) => p.minuteMs >= fromMs);
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

  /** Drops what is older than a day. */
  private prune(nowMs: number): void {
    const oldest = nowMs - DAY_MS;
    for (const [id, list] of this.points) {
      while (list.length > 0 && list[0]!.minuteMs < oldest) list.shift();
      if (list.length === 0) this.points.delete(id);
    }
  }
}
