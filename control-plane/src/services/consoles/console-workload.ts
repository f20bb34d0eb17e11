import type { Config } from '../../config.js';
import { DEFAULT_PYTHON_VERSION, type PythonVersion } from '../../domain/python-versions.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import { shellWorkload, type IdentityFiles } from './shell-workload.js';

/**
 * The console kind's workload: one container per user that idles (Docker's
 * init is PID 1) and holds every console of theirs as a TTY exec, with what
 * every shell-like container gets (shell-workload.ts) and the memory the
 * account may use per container. Pure; table-tested. A user has one such
 * container per Python they run consoles of (`python3.13` runs in 3.13's
 * image); the default Python's is named as before, the others get the
 * version in their name.
 */
export function consoleWorkload(
  config: Config,
  instance: string,
  user: UserRow,
  etc: IdentityFiles,
  memoryMb: number,
  python: PythonVersion = DEFAULT_PYTHON_VERSION,
): WorkloadSpec {
  return shellWorkload(config, instance, user, etc, {
    kind: 'console',
    workloadId: user.id,
    generation: null,
    // The image's entrypoint is the web-app gateway; a console container only has to stay alive for the execs.
    entrypoint: ['sleep', 'infinity'],
    // Nothing in it needs a graceful stop: consoles end with their container.
    stopSignal: 'SIGKILL',
    memoryMb,
    python,
    ...(python === DEFAULT_PYTHON_VERSION ? {} : { variant: `python${python.replace('.', '')}` }),
  });
}
