import { runtimeImageFor, type Config } from '../../config.js';
import { generationRunDir, uidFor, userDirs } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';
import { workloadNetwork } from '../platform/workload-network.js';

// Pure builders from a web app's record to what its container needs
// (docs/runtime-contract.md). Table-tested; no I/O.

/** The gateway's PYHOST_* settings, with the user's own variables beside them. */
export function webappEnvironment(app: WebappRow, username: string): Record<string, string> {
  const home = `/home/${username}`;
  const source = app.source_directory ?? home;
  const userEnv = JSON.parse(app.env_json) as Record<string, string>;
  return {
    ...userEnv,
    HOME: home,
    PYHOST_DOMAIN_NAME: app.domain_name,
    PYHOST_USERNAME: username,
    PYHOST_SERVER: app.server,
    PYHOST_WORKERS: String(app.workers),
    PYHOST_SOURCE_DIR: source,
    PYHOST_WORKING_DIR: app.working_directory ?? source,
    PYHOST_VIRTUALENV: app.virtualenv_path ?? '',
    PYHOST_AUTO_RELOAD: app.auto_reload === 1 ? '1' : '0',
  };
}

/**
 * The web-app kind's workload: the gateway (the image's entrypoint) on the
 * user's three folders and this generation's run folder, with the memory
 * the account may use per container (its `memory_mb` limit).
 */
export function webappWorkload(
  config: Config,
  instance: string,
  user: UserRow,
  app: WebappRow,
  generation: number,
  memoryMb: number,
): WorkloadSpec {
  const dirs = userDirs(config.dataDir, user.username);
  return {
    kind: 'webapp',
    instance,
    image: runtimeImageFor(config, app.python_version),
    username: user.username,
    uid: uidFor(config.uidBase, user.id),
    workloadId: app.id,
    generation,
    domain: app.domain_name,
    env: webappEnvironment(app, user.username),
    mounts: [
      { source: dirs.home, target: `/home/${user.username}` },
      { source: dirs.www, target: '/var/www' },
      { source: dirs.log, target: '/var/log' },
      { source: generationRunDir(config.dataDir, app.id, generation), target: '/run/pyhost' },
    ],
    // The gateway finishes in-flight requests within 10 s of SIGTERM.
    stopSignal: 'SIGTERM',
    limits: { ...config.appLimits, memoryBytes: memoryMb * MiB },
    network: workloadNetwork(config),
  };
}
