import type { Config } from '../../config.js';
import { egressDir, wheelhouseDir } from '../../domain/layout.js';
import type { WorkloadNetwork } from '../../runtime/index.js';

/**
 * What every user's container gets from the instance's egress setting
 * (docs/egress.md): always the wheelhouse; the proxy's socket folder only
 * when egress is on. Pure.
 */
export function workloadNetwork(config: Pick<Config, 'dataDir' | 'egress'>): WorkloadNetwork {
  return {
    wheelhouse: wheelhouseDir(config.dataDir),
    egressDir: config.egress.mode === 'none' ? null : egressDir(config.dataDir),
  };
}
