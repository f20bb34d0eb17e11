import type { DesiredWorkload, RemoveReason } from '../../domain/reconcile-plan.js';
import type { ContainerRuntime, ManagedContainer } from '../../runtime/index.js';
import type { AlwaysOnStore } from '../../store/always-on-store.js';
import type { UsersStore } from '../../store/users-store.js';
import type { CrashCause, WorkloadKeeper } from '../platform/reconciler.js';
import type { AlwaysOnRunner } from './always-on-runner.js';

/**
 * Always-on tasks, for the reconciler (kind `kept`, like web apps): every
 * enabled task of an enabled account has its generation's container
 * running; one that exits is started again with the capped backoff, and
 * after the restarts in a row are used up it is crashed until a person
 * restarts it. Running containers are adopted as they are after a
 * control-plane restart.
 */
export class AlwaysOnKeeper implements WorkloadKeeper {
  readonly kind = 'always_on' as const;

  constructor(
    private readonly store: AlwaysOnStore,
    private readonly users: UsersStore,
    private readonly runner: AlwaysOnRunner,
    private readonly runtime: ContainerRuntime,
  ) {}

  desired(): DesiredWorkload[] {
    const disabled = this.users.disabledIds();
    return this.store.all().map((r) => ({
      kind: 'always_on', id: r.id, enabled: r.enabled === 1 && !disabled.has(r.user_id), activeGeneration: r.generation, crashed: r.crashed_reason !== null,
    }));
  }

  isBusy(id: number): boolean {
    return this.runner.locks.isBusy(id);
  }

  async start(id: number): Promise<void> {
    await this.runner.locks.runIfIdle(id, async () => {
      const row = this.store.byId(id);
      if (!row || row.enabled === 0 || row.crashed_reason !== null) return;
      // The plan may have been made before a person's start finished: never replace a container that runs.
      if (await this.runner.isRunning(row)) return;
      const status = this.runner.statusOf(id);
      status.restarts += 1;
      await this.runner.start(row, `restarting (restart ${status.restarts})`);
    });
  }

  async remove(c: ManagedContainer, reason: RemoveReason): Promise<void> {
    const row = c.labels.workload === null ? undefined : this.store.byId(c.labels.workload);
    await this.runtime.remove(c.id);
    if (!row) return;
    if (reason === 'exited') {
      this.runner.statusOf(row.id).lastExitCode = c.exitCode;
      await this.runner.note(row, `exited with code ${c.exitCode ?? 'unknown'}`);
    } else if (reason === 'disabled') await this.runner.note(row, 'stopped: the account is disabled');
  }

  async markCrashed(id: number, why: CrashCause): Promise<void> {
    const row = this.store.byId(id);
    if (!row) return;
    // The exited container is usually gone by now: the exit code it was seen with is kept in the status.
    const code = (why.cause === 'restarts' ? why.exitCode : null) ?? this.runner.statusOf(id).lastExitCode;
    const reason = `crash loop: it exited ${this.runner.statusOf(id).restarts + 1} times in a row (last exit code ${code ?? 'unknown'}); fix the cause, then restart it`;
    this.store.setCrashed(id, reason);
    await this.runner.note(row, reason);
  }

  /** What each task's container is now, for its state; and a running task's log rotated when it has grown too big. */
  async afterPass(containers: readonly ManagedContainer[]): Promise<void> {
    for (const row of this.store.all()) {
      if (this.runner.locks.isBusy(row.id)) continue;
      const status = this.runner.statusOf(row.id);
      const running = containers.find((x) => x.labels.workload === row.id && x.labels.generation === row.generation && x.state === 'running');
      // One started during this pass is not in its list yet: it stays known.
      const justStarted = status.container !== null && status.container.labels.generation === row.generation && !containers.some((x) => x.id === status.container!.id);
      status.container = running ?? (justStarted ? status.container : null);
      if (running) await this.runner.rotateIfBig(row);
    }
  }
}
