// The reconciler's decision, as a pure function of what the store (and the
// services) want and what Docker has, for every kind of workload. The loop
// around it (services/platform/reconciler.ts) only gathers the two lists
// and has each kind carry out its actions.
import { GATEWAY_KINDS, KEEPING, type WorkloadKind } from './workloads.js';

/**
 * The gateway's exit status after a crash loop (docs/runtime-contract.md,
 * "Exit statuses"): it already restarted the server five times; starting the
 * container again would only repeat the loop.
 */
export const EXIT_CRASH_LOOP = 3;

export interface DesiredWorkload {
  readonly kind: WorkloadKind;
  readonly id: number;
  /** Kept kinds: whether a container should run (an enabled web app). On-demand kinds: whether one may exist. */
  readonly enabled: boolean;
  /** Kinds replaced side by side: the generation that should run (0 before any); null for the others. */
  readonly activeGeneration: number | null;
  /** Restarts gave up on it; it waits for a reload. */
  readonly crashed: boolean;
}

export interface ActualContainer {
  readonly id: string;
  readonly kind: WorkloadKind;
  /** Null only for a console container made before containers carried their workload's id. */
  readonly workloadId: number | null;
  readonly generation: number | null;
  readonly running: boolean;
  /** The container's exit status once it has exited; null while it runs. */
  readonly exitCode: number | null;
}

export type RemoveReason = 'orphan' | 'disabled' | 'unused' | 'stale-generation' | 'exited' | 'finished';

export type ReconcileAction =
  | { readonly kind: 'remove'; readonly containerId: string; readonly workload: WorkloadKind; readonly id: number | null; readonly reason: RemoveReason }
  | { readonly kind: 'start'; readonly workload: WorkloadKind; readonly id: number; readonly reason: 'missing' | 'died' }
  | { readonly kind: 'mark-crashed'; readonly workload: WorkloadKind; readonly id: number; readonly generation: number; readonly reason: 'crash-loop' };

/** Whether an operation (reload, replace, a console starting…) holds the workload right now. */
export type IsBusy = (kind: WorkloadKind, id: number) => boolean;

const keyOf = (kind: WorkloadKind, id: number | null) => `${kind}:${id}`;

/**
 * For every container: removes it when nobody wants it (no such workload, a
 * disabled or unused one, an old generation, one that died or finished).
 * For every kept workload (an enabled web app) without a running container
 * of its active generation: starts one, except one whose active container
 * ended a crash loop (EXIT_CRASH_LOOP, from the gateway), which is marked crashed instead and
 * waits for a reload. On-demand kinds are only ever removed (their service
 * starts them), run-once kinds removed when they end. Busy workloads are
 * left alone.
 */
export function plan(desired: readonly DesiredWorkload[], actual: readonly ActualContainer[], isBusy: IsBusy): ReconcileAction[] {
  const byKey = new Map(desired.map((d) => [keyOf(d.kind, d.id), d]));
  const actions: ReconcileAction[] = [];
  const died = new Set<string>();
  const crashLoops = new Map<string, number>();
  const serving = new Set<string>();
  const remove = (c: ActualContainer, reason: RemoveReason) => actions.push({ kind: 'remove', containerId: c.id, workload: c.kind, id: c.workloadId, reason });

  for (const c of actual) {
    const key = keyOf(c.kind, c.workloadId);
    const want = byKey.get(key);
    if (!want) {
      remove(c, 'orphan');
      continue;
    }
    if (isBusy(c.kind, want.id)) continue;
    const keeping = KEEPING[c.kind];
    if (!want.enabled) remove(c, keeping === 'kept' ? 'disabled' : 'unused');
    else if (want.activeGeneration !== null && c.generation !== want.activeGeneration) remove(c, 'stale-generation');
    else if (!c.running) {
      remove(c, keeping === 'once' ? 'finished' : 'exited');
      if (keeping !== 'kept') continue;
      if (c.exitCode === EXIT_CRASH_LOOP && GATEWAY_KINDS.has(c.kind) && c.generation !== null) crashLoops.set(key, c.generation);
      else died.add(key);
    } else serving.add(key);
  }

  for (const want of desired) {
    const key = keyOf(want.kind, want.id);
    if (KEEPING[want.kind] !== 'kept' || !want.enabled || want.crashed || isBusy(want.kind, want.id) || serving.has(key)) continue;
    const loopedIn = crashLoops.get(key);
    if (loopedIn !== undefined) {
      actions.push({ kind: 'mark-crashed', workload: want.kind, id: want.id, generation: loopedIn, reason: 'crash-loop' });
      continue;
    }
    actions.push({ kind: 'start', workload: want.kind, id: want.id, reason: died.has(key) ? 'died' : 'missing' });
  }
  return actions;
}
