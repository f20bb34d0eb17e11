/** Restarts in a row before a workload is left crashed until its next reload. */
export const MAX_RESTARTS = 5;
const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
/** A container that ran this long was not crash-looping: its backoff starts over. */
export const HEALTHY_AFTER_MS = 30_000;

/** Delay before restart number `n` (1-based): 1 s, 2 s, 4 s… capped at a minute. */
export function backoffDelay(n: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, n - 1), MAX_BACKOFF_MS);
}

interface Entry {
  restarts: number;
  notBefore: number;
}

/**
 * How often the reconciler has restarted each workload lately, so that a
 * container that keeps dying is restarted ever more slowly and, after
 * MAX_RESTARTS, given up on. Shared by the reconciler, which counts, and
 * the services, which reset a workload's count when it serves again (a
 * successful reload or replacement).
 */
export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until the next restart may happen (0: now). */
  waitMs(key: string): number {
    return Math.max(0, (this.entries.get(key)?.notBefore ?? 0) - this.now());
  }

  /** Whether the restarts in a row are used up. */
  exhausted(key: string): boolean {
    return (this.entries.get(key)?.restarts ?? 0) >= MAX_RESTARTS;
  }

  /** Counts a restart; returns which one in a row it is. */
  restarting(key: string): number {
    const entry = this.entries.get(key) ?? { restarts: 0, notBefore: 0 };
    entry.restarts += 1;
    entry.notBefore = this.now() + backoffDelay(entry.restarts);
    this.entries.set(key, entry);
    return entry.restarts;
  }

  /** The workload serves again (or was given up on): its next trouble starts from the beginning. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** A container that has been running since `startedAt` ended its crash loop. */
  resetIfHealthy(key: string, startedAt: string | null): void {
    if (startedAt && this.now() - Date.parse(startedAt) > HEALTHY_AFTER_MS) this.entries.delete(key);
  }
}

/** The backoff key of a workload. */
export function workloadKey(kind: string, id: number): string {
  return `${kind}:${id}`;
}
