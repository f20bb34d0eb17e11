import type { FastifyBaseLogger } from 'fastify';
import { plan, type DesiredWorkload, type ReconcileAction, type RemoveReason } from '../../domain/reconcile-plan.js';
import { KEEPING, type WorkloadKind } from '../../domain/workloads.js';
import type { ContainerRuntime, ManagedContainer, RuntimeEvent } from '../../runtime/index.js';
import { MAX_RESTARTS, RestartBackoff, workloadKey } from './restart-backoff.js';

const SAFETY_NET_INTERVAL_MS = 30_000;
const DOWN_EVENTS = new Set(['die', 'destroy', 'oom', 'kill']);

/** Why a kept workload is given up on until its next reload. */
export type CrashCause =
  | { readonly cause: 'crash-loop'; readonly generation: number }
  | { readonly cause: 'restarts'; readonly restarts: number; readonly exitCode: number | null };

/**
 * What the reconciler needs of one kind of workload: its desired state,
 * whether an operation holds one, and how to carry out the plan's actions
 * for it (each re-checks under the workload's own lock).
 */
export interface WorkloadKeeper {
  readonly kind: WorkloadKind;
  desired(): DesiredWorkload[];
  isBusy(id: number): boolean;
  /** The workload a container belongs to; null when it belongs to none this kind knows (then it is an orphan). */
  identify?(container: ManagedContainer): number | null;
  /** Starts a kept workload's container again. */
  start?(id: number): Promise<void>;
  /** Removes a container the plan found unwanted, unless it became wanted meanwhile. */
  remove(container: ManagedContainer, reason: RemoveReason): Promise<void>;
  /** A kept workload is crashed until its next reload. */
  markCrashed?(id: number, why: CrashCause): Promise<void>;
  /** A container of this kind went down (an event), before the pass that follows. */
  noteDown?(event: RuntimeEvent): void;
  /** After each pass: the kind's own upkeep (run folders nobody uses, containers to adopt after a restart). */
  afterPass?(containers: readonly ManagedContainer[]): Promise<void>;
}

/**
 * Converges this instance's containers to what the store wants, for every
 * kind of workload: at start-up, on every Docker event about them, and
 * every 30 s as a safety net. The decisions are domain/reconcile-plan.ts;
 * this gathers the inputs, restarts with backoff, and hands each action to
 * its kind. It never touches containers without this instance's labels
 * (the runtime lists only those).
 */
export class Reconciler {
  private readonly keepers: ReadonlyMap<WorkloadKind, WorkloadKeeper>;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;

  constructor(
    private readonly instance: string,
    private readonly runtime: ContainerRuntime,
    keepers: readonly WorkloadKeeper[],
    private readonly backoff: RestartBackoff,
    private readonly log: FastifyBaseLogger,
  ) {
    this.keepers = new Map(keepers.map((k) => [k.kind, k]));
  }

  start(): void {
    this.unwatch = this.runtime.watch(
      this.instance,
      (event) => {
        const keeper = this.keepers.get(event.labels.kind);
        if (!keeper || !DOWN_EVENTS.has(event.action)) return;
        keeper.noteDown?.(event);
        void this.trigger();
      },
      { onError: (err) => this.log.warn({ err }, 'docker event stream interrupted; reconnecting') },
    );
    this.timer = setInterval(() => void this.trigger(), SAFETY_NET_INTERVAL_MS);
    this.timer.unref();
    void this.trigger();
  }

  stop(): void {
    this.unwatch?.();
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Runs a pass now, or right after the one in progress. Resolves when the state has converged once. */
  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.log.error({ err }, 'reconcile pass failed');
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const containers = (await this.runtime.list(this.instance)).filter((c) => this.keepers.has(c.labels.kind));
    const desired = [...this.keepers.values()].flatMap((k) => k.desired());
    const actual = containers.map((c) => ({
      id: c.id,
      kind: c.labels.kind,
      workloadId: this.keeper(c.labels.kind).identify?.(c) ?? c.labels.workload,
      generation: c.labels.generation,
      running: c.state === 'running' || c.state === 'restarting',
      exitCode: c.exitCode,
    }));
    const actions = plan(desired, actual, (kind, id) => this.keeper(kind).isBusy(id));
    for (const c of containers) {
      if (c.state === 'running' && c.labels.workload !== null) this.backoff.resetIfHealthy(workloadKey(c.labels.kind, c.labels.workload), c.startedAt);
    }
    const byId = new Map(containers.map((c) => [c.id, c]));
    // Crash loops first: the workload reads as crashed from the moment its container is gone.
    for (const a of actions) if (a.kind === 'mark-crashed') await this.markCrashed(a.workload, a.id, { cause: 'crash-loop', generation: a.generation });
    for (const a of actions) {
      if (a.kind !== 'remove') continue;
      this.log.info({ container: a.containerId, kind: a.workload, id: a.id, reason: a.reason }, 'removing container');
      await this.keeper(a.workload).remove(byId.get(a.containerId)!, a.reason);
    }
    for (const a of actions) if (a.kind === 'start') await this.restartWithBackoff(a, containers);
    for (const keeper of this.keepers.values()) {
      await keeper.afterPass?.(containers.filter((c) => c.labels.kind === keeper.kind)).catch((err: unknown) => {
        this.log.error({ err, kind: keeper.kind }, 'upkeep after a reconcile pass failed');
      });
    }
  }

  private async restartWithBackoff(action: Extract<ReconcileAction, { kind: 'start' }>, containers: readonly ManagedContainer[]): Promise<void> {
    const key = workloadKey(action.workload, action.id);
    const wait = this.backoff.waitMs(key);
    if (wait > 0) {
      this.scheduleRetry(wait);
      return;
    }
    if (this.backoff.exhausted(key)) {
      const last = containers.find((c) => c.labels.kind === action.workload && c.labels.workload === action.id && c.state !== 'running');
      await this.markCrashed(action.workload, action.id, { cause: 'restarts', restarts: MAX_RESTARTS + 1, exitCode: last?.exitCode ?? null });
      this.log.warn({ kind: action.workload, id: action.id }, 'crash loop: gave up restarting');
      return;
    }
    const attempt = this.backoff.restarting(key);
    this.log.info({ kind: action.workload, id: action.id, attempt }, 'restarting');
    try {
      await this.keeper(action.workload).start?.(action.id);
    } catch (err) {
      this.log.error({ err, kind: action.workload, id: action.id }, 'restart failed');
    }
  }

  private async markCrashed(kind: WorkloadKind, id: number, why: CrashCause): Promise<void> {
    if (KEEPING[kind] !== 'kept') return;
    await this.keeper(kind).markCrashed?.(id, why);
    this.backoff.reset(workloadKey(kind, id));
  }

  private keeper(kind: WorkloadKind): WorkloadKeeper {
    return this.keepers.get(kind)!;
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.trigger();
    }, delayMs + 50);
    this.retryTimer.unref();
  }
}
