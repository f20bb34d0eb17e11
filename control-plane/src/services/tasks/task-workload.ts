import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { consoleEnvironment, groupFile, passwdFile } from '../../domain/console-rules.js';
import { consoleEtcDir, uidFor, userDirs } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';

/** The host name inside task containers, as in consoles. */
export const TASK_HOSTNAME = 'pyhost';

/**
 * Sends everything the command writes to its log (as the user, inside the
 * container: a link planted in /var/log reaches only the user's own
 * files), then runs it with `bash -lc` as an argument, exactly as typed:
 * nothing is pasted into a shell line. $1: the log, $2: the command.
 */
export const TASK_SHIM = 'exec >>"$1" 2>&1 || exit 125; exec bash -lc "$2"';

export interface TaskRunSpec {
  readonly kind: 'scheduled_run' | 'always_on';
  /** A scheduled run's id, or an always-on task's. */
  readonly workloadId: number;
  /** An always-on task's generation; null for scheduled runs (one container per run). */
  readonly generation: number | null;
  readonly command: string;
  /** The log's name in /var/log. */
  readonly logName: string;
  readonly memoryMb: number;
}

/**
 * A task's container: the console's hardening, mounts and environment
 * (home, /var/www, /var/log; read-only passwd and group so the uid has a
 * name), working directory the home, the command under TASK_SHIM. Pure.
 */
export function taskWorkload(config: Config, instance: string, user: UserRow, etc: { passwd: string; group: string }, run: TaskRunSpec): WorkloadSpec {
  const dirs = userDirs(config.dataDir, user.username);
  const home = `/home/${user.username}`;
  return {
    kind: run.kind,
    instance,
    image: config.runtimeImage,
    username: user.username,
    uid: uidFor(config.uidBase, user.id),
    workloadId: run.workloadId,
    generation: run.generation,
    env: consoleEnvironment(user.username),
    mounts: [
      { source: dirs.home, target: home },
      { source: dirs.www, target: '/var/www' },
      { source: dirs.log, target: '/var/log' },
      { source: etc.passwd, target: '/etc/passwd', readOnly: true },
      { source: etc.group, target: '/etc/group', readOnly: true },
    ],
    entrypoint: ['bash', '-c', TASK_SHIM, 'pyhost-task', `/var/log/${run.logName}`, run.command],
    workingDir: home,
    hostname: TASK_HOSTNAME,
    // A bot gets the chance to say goodbye; a scheduled run is only stopped when it must end now.
    stopSignal: run.kind === 'always_on' ? 'SIGTERM' : 'SIGKILL',
    limits: { ...config.appLimits, memoryBytes: run.memoryMb * MiB },
  };
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  const now = await fsp.readFile(file, 'utf8').catch(() => null);
  // Rewriting a file a running console has bind-mounted would show it half-written for a moment.
  if (now !== text) await fsp.writeFile(file, text, { mode: 0o644 });
}

/** The user's passwd and group files (the ones consoles use), written by root and read-only in containers. */
export async function identityFiles(config: Config, user: UserRow): Promise<{ passwd: string; group: string }> {
  const uid = uidFor(config.uidBase, user.id);
  const etc = consoleEtcDir(config.dataDir, user.username);
  await fsp.mkdir(etc, { recursive: true, mode: 0o755 });
  const passwd = path.join(etc, 'passwd');
  const group = path.join(etc, 'group');
  await writeIfChanged(passwd, passwdFile(user.username, uid));
  await writeIfChanged(group, groupFile(user.username, uid));
  return { passwd, group };
}
