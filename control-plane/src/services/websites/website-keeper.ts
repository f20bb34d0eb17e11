import type { DesiredWorkload } from '../../domain/reconcile-plan.js';
import type { ManagedContainer } from '../../runtime/index.js';
import type { UsersStore } from '../../store/users-store.js';
import type { WebsitesStore } from '../../store/websites-store.js';
import type { CrashCause, WorkloadKeeper } from '../platform/reconciler.js';
import type { WebsiteRunner } from './website-runner.js';
import type { WebsiteService } from './website-service.js';

/**
 * Websites, for the reconciler (kind `kept`, like web apps): every enabled
 * website of an enabled account has its active generation's container
 * running; one that dies is started again side by side with the capped
 * backoff, and is crashed until its next reload when restarts are used up.
 */
export class WebsiteKeeper implements WorkloadKeeper {
  readonly kind = 'website' as const;

  constructor(
    private readonly store: WebsitesStore,
    private readonly users: UsersStore,
    private readonly service: WebsiteService,
    private readonly runner: WebsiteRunner,
  ) {}

  desired(): DesiredWorkload[] {
    const disabled = this.users.disabledIds();
    return this.store.all().map((s) => ({
      kind: 'website', id: s.id, enabled: s.enabled === 1 && !disabled.has(s.user_id), activeGeneration: s.active_generation, crashed: s.crashed_reason !== null,
    }));
  }

  isBusy(id: number): boolean {
    return this.runner.locks.isBusy(id);
  }

  start(id: number): Promise<void> {
    return this.service.restart(id);
  }

  /** Removes an unwanted container after looking again under the website's lock. */
  async remove(c: ManagedContainer): Promise<void> {
    const id = c.labels.workload;
    if (id === null) return this.runner.retire([c]);
    await this.runner.locks.run(id, async () => {
      const site = this.store.byId(id);
      const owner = site ? this.users.byId(site.user_id) : undefined;
      const wanted = site && owner && owner.disabled_at == null && site.enabled === 1 && c.labels.generation === site.active_generation && c.state === 'running';
      if (!wanted) await this.runner.retire([c]);
    });
  }

  /** A running website's server and error logs are rotated once they have grown too big (its command writes them, not a gateway). */
  async afterPass(containers: readonly ManagedContainer[]): Promise<void> {
    for (const site of this.store.all()) {
      if (this.runner.locks.isBusy(site.id) || !containers.some((c) => c.labels.workload === site.id && c.state === 'running')) continue;
      const owner = this.users.byId(site.user_id);
      if (owner) await this.runner.rotateLogsIfBig(owner, site);
    }
  }

  async markCrashed(id: number, why: CrashCause): Promise<void> {
    const detail = why.cause === 'restarts' ? `stopped ${why.restarts} times in a row${why.exitCode !== null ? ` (last exit code ${why.exitCode})` : ''}` : 'kept dying';
    this.store.setCrashed(id, `the website's command ${detail}; Pyhost stopped restarting it. Fix the cause, then Reload.`);
  }
}
