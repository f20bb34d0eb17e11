import type { Config } from '../../config.js';
import { consoleEnvironment } from '../../domain/console-rules.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';

/** The container's host name: bash shows it in the prompt (`alice@pyhost:~$`). */
export const CONSOLE_HOSTNAME = 'pyhost';

/**
 * The console kind's workload: one container per user that idles (Docker's
 * init is PID 1) and holds every console of theirs as a TTY exec; the
 * user's three folders, and read-only passwd/group files so that `whoami`,
 * bash's prompt and git know the uid; the memory the account may use per
 * container (its `memory_mb` limit). Pure; table-tested.
 */
export function consoleWorkload(config: Config, instance: string, user: UserRow, etc: { passwd: string; group: string }, memoryMb: number): WorkloadSpec {
  const dirs = userDirs(config.dataDir, user.username);
  const home = `/home/${user.username}`;
  return {
    kind: 'console',
    instance,
    image: config.runtimeImage,
    username: user.username,
    uid: uidFor(config.uidBase, user.id),
    workloadId: user.id,
    generation: null,
    env: consoleEnvironment(user.username),
    mounts: [
      { source: dirs.home, target: home },
      { source: dirs.www, target: '/var/www' },
      { source: dirs.log, target: '/var/log' },
      { source: etc.passwd, target: '/etc/passwd', readOnly: true },
      { source: etc.group, target: '/etc/group', readOnly: true },
    ],
    // The image's entrypoint is the web-app gateway; a console container only has to stay alive for the execs.
    entrypoint: ['sleep', 'infinity'],
    workingDir: home,
    hostname: CONSOLE_HOSTNAME,
    // Nothing in it needs a graceful stop: consoles end with their container.
    stopSignal: 'SIGKILL',
    limits: { ...config.appLimits, memoryBytes: memoryMb * MiB },
  };
}
