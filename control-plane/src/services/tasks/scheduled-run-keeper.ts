import type { DesiredWorkload, RemoveReason } from '../../domain/reconcile-plan.js';
import type { ContainerRuntime, ManagedContainer } from '../../runtime/index.js';
import type { TaskRunsStore } from '../../store/task-runs-store.js';
import type { UsersStore } from '../../store/users-store.js';
import type { WorkloadKeeper } from '../platform/reconciler.js';
import type { ScheduledRuns } from './scheduled-runs.js';

/**
 * Scheduled runs, for the reconciler (kind `once`): a run in progress
 * wants its container; one that finished is recorded (exit code,
 * duration) and removed, after a control-plane restart too; a disabled
 * account's runs are stopped; a container of no run in progress goes.
 */
export class ScheduledRunKeeper implements WorkloadKeeper {
  readonly kind = 'scheduled_run' as const;

  constructor(
    private readonly runs: TaskRunsStore,
    private readonly users: UsersStore,
    private readonly scheduled: ScheduledRuns,
    private readonly runtime: ContainerRuntime,
  ) {}

  desired(): DesiredWorkload[] {
    const disabled = this.users.disabledIds();
    return this.runs.allRunning().map((r) => ({ kind: 'scheduled_run', id: r.id, enabled: !disabled.has(r.user_id), activeGeneration: null, crashed: false }));
  }

  isBusy(id: number): boolean {
    return this.scheduled.isStarting(id);
  }

  async remove(c: ManagedContainer, reason: RemoveReason): Promise<void> {
    const run = c.labels.workload === null ? undefined : this.runs.byId(c.labels.workload);
    if (run?.outcome === 'running' && run.container_id === c.id) {
      if (reason === 'finished') await this.scheduled.finished(run, c);
      else await this.scheduled.kill(run, 'stopped: the account is disabled');
    }
    await this.runtime.remove(c.id);
  }

  /** A run whose container vanished (removed by hand) ends `failed`; nothing would ever end it otherwise. */
  async afterPass(containers: readonly ManagedContainer[]): Promise<void> {
    const present = new Set(containers.map((c) => c.id));
    for (const run of this.runs.allRunning()) {
      if (run.container_id === null || present.has(run.container_id) || this.scheduled.isStarting(run.id)) continue;
      if (await this.runtime.inspect(run.container_id)) continue;
      await this.scheduled.lost(run);
    }
  }
}
