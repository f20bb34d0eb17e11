import type { WorkloadKind } from './workloads.js';

// The daily CPU allowance, PythonAnywhere's way (docs/cpu-seconds.md): what a
// user's consoles and tasks use is counted per UTC day; over the allowance
// they go on at a low CPU share (the tarpit) until the next day begins.
// Web apps and websites are counted apart and never charged, as on
// PythonAnywhere.

/** Kinds whose CPU time is charged to the daily allowance. */
const CHARGED: ReadonlySet<WorkloadKind> = new Set<WorkloadKind>(['console', 'scheduled_run', 'always_on']);

/** Whether a kind's CPU counts towards the allowance (else it is reported as web-app CPU). */
export function isCharged(kind: WorkloadKind): boolean {
  return CHARGED.has(kind);
}

/** The CPU share of a tarpitted container: 5% of one CPU. Slow enough to leave the machine to others, never stopped. */
export const TARPIT_NANO_CPUS = 50_000_000;

const DAY_MS = 86_400_000;

/** The UTC day of a moment, as `YYYY-MM-DD`: the key usage is counted under. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The next 00:00 UTC after `ms`: when the day's usage starts again from nothing. */
export function nextResetMs(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}

/**
 * A moment as PythonAnywhere writes `next_reset_time`: Python's naive
 * `datetime.isoformat()` in UTC with microseconds, `2026-12-02T00:00:00.000000`.
 * Clients parse it with `strptime(…, "%Y-%m-%dT%H:%M:%S.%f")` or
 * `fromisoformat` and then attach UTC themselves, so neither a `Z` nor an
 * offset may follow.
 */
export function pythonAnywhereTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}000`;
}

/** Over the allowance: an allowance of 0 is none at all (unlimited). */
export function isOverAllowance(chargedUsec: number, allowanceSeconds: number): boolean {
  return allowanceSeconds > 0 && chargedUsec >= allowanceSeconds * 1_000_000;
}

/**
 * The CPU time a container used since the last sample, from two readings
 * of its cumulative counter. A counter lower than before belongs to a
 * restarted container (a fresh cgroup), so all of it is new.
 */
export function usageDelta(previousUsec: number, currentUsec: number): number {
  return currentUsec >= previousUsec ? currentUsec - previousUsec : currentUsec;
}
