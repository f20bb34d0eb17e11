import type { DesiredWorkload } from '../../domain/reconcile-plan.js';
import type { ContainerRuntime, ManagedContainer } from '../../runtime/index.js';
import type { WorkloadKeeper } from '../platform/reconciler.js';
import type { CompareService } from './compare-service.js';

/**
 * Compare servers' candidates, for the reconciler (kind `once`): wanted
 * while their run is under way in this process and left alone then (the
 * run removes them itself); any other — one left by a control plane that
 * stopped mid-run — is an orphan and goes.
 */
export class CompareKeeper implements WorkloadKeeper {
  readonly kind = 'compare' as const;

  constructor(
    private readonly service: CompareService,
    private readonly runtime: ContainerRuntime,
  ) {}

  desired(): DesiredWorkload[] {
    return this.service.activeRunIds().map((id) => ({ kind: 'compare', id, enabled: true, activeGeneration: null, crashed: false }));
  }

  isBusy(id: number): boolean {
    return this.service.isActive(id);
  }

  async remove(c: ManagedContainer): Promise<void> {
    if (c.labels.workload !== null && this.service.isActive(c.labels.workload)) return;
    await this.runtime.remove(c.id);
  }
}
