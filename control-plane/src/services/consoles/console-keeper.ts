import type { DesiredWorkload, RemoveReason } from '../../domain/reconcile-plan.js';
import type { ManagedContainer } from '../../runtime/index.js';
import type { UsersStore } from '../../store/users-store.js';
import type { WorkloadKeeper } from '../platform/reconciler.js';
import type { ConsoleContainers } from './console-containers.js';
import type { ConsoleService } from './console-service.js';

/**
 * The console kind, for the reconciler: a user's console container is
 * started by the console service with their first console; the reconciler
 * removes one nobody uses (its user deleted, no console running and idle
 * for long, or stopped).
 */
export class ConsoleKeeper implements WorkloadKeeper {
  readonly kind = 'console' as const;

  constructor(
    private readonly users: UsersStore,
    private readonly consoles: ConsoleService,
    private readonly containers: ConsoleContainers,
  ) {}

  /** A disabled account's console container is never wanted. */
  desired(): DesiredWorkload[] {
    return this.users.all().map((u) => ({
      kind: 'console', id: u.id, enabled: u.disabled_at === null && this.consoles.needsContainer(u.id), activeGeneration: null, crashed: false,
    }));
  }

  isBusy(id: number): boolean {
    return this.containers.locks.isBusy(id);
  }

  /** A container is the user's whose id it carries only if the name still matches (ids of deleted users come back). */
  identify(c: ManagedContainer): number | null {
    const id = c.labels.workload;
    return id !== null && this.users.byId(id)?.username === c.labels.user ? id : null;
  }

  async remove(c: ManagedContainer, reason: RemoveReason): Promise<void> {
    const id = this.identify(c);
    if (id === null) {
      await this.containers.remove(c, reason);
      return;
    }
    await this.containers.locks.runIfIdle(id, async () => {
      // A console may have started in it since the plan was made.
      if (reason === 'unused' && this.consoles.needsContainer(id) && this.users.byId(id)?.disabled_at === null) return;
      await this.containers.remove(c, reason);
    });
  }

  async afterPass(): Promise<void> {
    this.consoles.forgetDeletedUsers();
  }
}
