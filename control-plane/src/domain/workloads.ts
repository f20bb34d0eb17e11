// Everything a user runs is a workload of one kind, in the same runtime
// image with the same hardening, found by its labels (io.pyhost.kind) and
// converged by the reconciler (docs/architecture.md, "Workloads"). A kind
// adds a spec builder, its desired state in the store and its rules in the
// reconciler's plan; it does not add a lifecycle of its own.

export const WORKLOAD_KINDS = ['webapp', 'website', 'always_on', 'scheduled_run', 'console', 'compare'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export function isWorkloadKind(value: string | undefined): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(value ?? '');
}

/**
 * How the reconciler treats a kind's containers:
 * - `kept`: wanted running whenever enabled; started again (with backoff)
 *   when it dies, replaced side by side by generation (web apps, websites,
 *   always-on tasks);
 * - `on-demand`: started by its service when needed, only ever removed by
 *   the reconciler when unwanted (a user's console container);
 * - `once`: runs to its end, then is removed (a scheduled task's run).
 */
export type Keeping = 'kept' | 'on-demand' | 'once';

export const KEEPING: Readonly<Record<WorkloadKind, Keeping>> = {
  webapp: 'kept',
  website: 'kept',
  always_on: 'kept',
  scheduled_run: 'once',
  console: 'on-demand',
  // Compare servers' temporary candidates (docs/compare-servers.md): wanted only while their run runs.
  compare: 'once',
};

/**
 * Kinds whose container runs Pyhost's gateway, whose exit status
 * EXIT_CRASH_LOOP (reconcile-plan.ts) means "the server under me crash
 * looped". Any other kind's exit status is its user's command's own: an
 * always-on script exiting 3 has only exited once.
 */
export const GATEWAY_KINDS: ReadonlySet<WorkloadKind> = new Set<WorkloadKind>(['webapp']);
