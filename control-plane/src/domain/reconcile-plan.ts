// The reconciler's decision, as a pure function of what the database wants
// and what Docker has. The loop around it (services/reconciler.ts) only
// gathers the two lists and carries out the actions.

/**
 * The gateway's exit status after a crash loop (docs/runtime-contract.md,
 * "Exit statuses"): it already restarted the server five times; starting the
 * container again would only repeat the loop.
 */
export const EXIT_CRASH_LOOP = 3;

export interface DesiredWebapp {
  readonly id: number;
  readonly enabled: boolean;
  readonly activeGeneration: number;
  /** Restarts gave up on it; it waits for a reload. */
  readonly crashed: boolean;
}

export interface ActualContainer {
  readonly id: string;
  readonly webappId: number;
  readonly generation: number;
  readonly running: boolean;
  /** The container's exit status once it has exited; null while it runs. */
  readonly exitCode: number | null;
}

export type ReconcileAction =
  | { readonly kind: 'remove'; readonly containerId: string; readonly webappId: number; readonly reason: 'orphan' | 'disabled' | 'stale-generation' | 'exited' }
  | { readonly kind: 'start'; readonly webappId: number; readonly reason: 'missing' | 'died' }
  | { readonly kind: 'mark-crashed'; readonly webappId: number; readonly generation: number; readonly reason: 'crash-loop' };

/**
 * Removes containers nobody wants (no such app, app disabled, an old
 * generation, or dead) and starts one for every enabled app that has no
 * running container of its active generation, except one whose active
 * container ended a crash loop (EXIT_CRASH_LOOP): that app is marked crashed
 * instead, and waits for a reload. Apps in `busy` are in the middle of an
 * operation (reload, replace…) and are left alone.
 */
export function plan(desired: readonly DesiredWebapp[], actual: readonly ActualContainer[], busy: ReadonlySet<number>): ReconcileAction[] {
  const byId = new Map(desired.map((d) => [d.id, d]));
  const actions: ReconcileAction[] = [];
  const died = new Set<number>();
  const crashLoops = new Map<number, number>();
  const serving = new Set<number>();

  for (const c of actual) {
    const app = byId.get(c.webappId);
    if (!app) {
      actions.push({ kind: 'remove', containerId: c.id, webappId: c.webappId, reason: 'orphan' });
      continue;
    }
    if (busy.has(c.webappId)) continue;
    if (!app.enabled) actions.push({ kind: 'remove', containerId: c.id, webappId: c.webappId, reason: 'disabled' });
    else if (c.generation !== app.activeGeneration) actions.push({ kind: 'remove', containerId: c.id, webappId: c.webappId, reason: 'stale-generation' });
    else if (!c.running) {
      actions.push({ kind: 'remove', containerId: c.id, webappId: c.webappId, reason: 'exited' });
      if (c.exitCode === EXIT_CRASH_LOOP) crashLoops.set(c.webappId, c.generation);
      else died.add(c.webappId);
    } else serving.add(c.webappId);
  }

  for (const app of desired) {
    if (!app.enabled || app.crashed || busy.has(app.id) || serving.has(app.id)) continue;
    const loopedIn = crashLoops.get(app.id);
    if (loopedIn !== undefined) {
      actions.push({ kind: 'mark-crashed', webappId: app.id, generation: loopedIn, reason: 'crash-loop' });
      continue;
    }
    actions.push({ kind: 'start', webappId: app.id, reason: died.has(app.id) ? 'died' : 'missing' });
  }
  return actions;
}
