import fsp from 'node:fs/promises';
import path from 'node:path';
import { runtimeImageFor, type Config } from '../../config.js';
import { consoleEnvironment, groupFile, passwdFile } from '../../domain/console-rules.js';
import { consoleEtcDir, uidFor, userDirs } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import { workloadNetwork } from '../platform/workload-network.js';

// What a container gets where the user's own commands run as they would at
// a console: their console and their tasks' containers. The hardening is
// runtime/workload-spec.ts's, as for every container; this is only the
// part those kinds share, so that a task sees what the user's console sees.

/** The host name: bash shows it in the prompt (`alice@pyhost:~$`). */
export const SHELL_HOSTNAME = 'pyhost';

/** Host paths of the user's generated passwd and group files. */
export interface IdentityFiles {
  readonly passwd: string;
  readonly group: string;
}

/** What differs between the kinds. */
export interface ShellWorkloadParts {
  readonly kind: 'console' | 'scheduled_run' | 'always_on';
  readonly workloadId: number;
  readonly generation: number | null;
  readonly entrypoint: readonly string[];
  readonly stopSignal: 'SIGTERM' | 'SIGKILL';
  /** The memory the account may use per container (its `memory_mb` limit). */
  readonly memoryMb: number;
  /** Whose runtime image: the Python version (python-versions.ts). */
  readonly python: string;
  readonly variant?: string;
}

/**
 * The user's three folders and read-only passwd/group files (so that
 * `whoami`, bash's prompt and git know the uid), the console environment,
 * working directory the home. Pure.
 */
export function shellWorkload(config: Config, instance: string, user: UserRow, etc: IdentityFiles, parts: ShellWorkloadParts): WorkloadSpec {
  const dirs = userDirs(config.dataDir, user.username);
  const home = `/home/${user.username}`;
  return {
    kind: parts.kind,
    instance,
    image: runtimeImageFor(config, parts.python),
    ...(parts.variant === undefined ? {} : { variant: parts.variant }),
    username: user.username,
    uid: uidFor(config.uidBase, user.id),
    workloadId: parts.workloadId,
    generation: parts.generation,
    env: consoleEnvironment(user.username),
    mounts: [
      { source: dirs.home, target: home },
      { source: dirs.www, target: '/var/www' },
      { source: dirs.log, target: '/var/log' },
      { source: etc.passwd, target: '/etc/passwd', readOnly: true },
      { source: etc.group, target: '/etc/group', readOnly: true },
    ],
    entrypoint: parts.entrypoint,
    workingDir: home,
    hostname: SHELL_HOSTNAME,
    stopSignal: parts.stopSignal,
    limits: { ...config.appLimits, memoryBytes: parts.memoryMb * MiB },
    network: workloadNetwork(config),
  };
}

async function writeIfChanged(file: string, text: string): Promise<void> {
  const now = await fsp.readFile(file, 'utf8').catch(() => null);
  // Rewriting a file a running container has bind-mounted would show it half-written for a moment.
  if (now !== text) await fsp.writeFile(file, text, { mode: 0o644 });
}

/**
 * The user's passwd and group files, (re)written before a container starts:
 * the uid has no entry in the image, and without one bash prompts "I have no
 * name!", `whoami` fails and git refuses to commit. Written by root,
 * read-only for the user: a user's container must not be able to change who it is.
 */
export async function identityFiles(config: Config, user: UserRow): Promise<IdentityFiles> {
  const uid = uidFor(config.uidBase, user.id);
  const etc = consoleEtcDir(config.dataDir, user.username);
  await fsp.mkdir(etc, { recursive: true, mode: 0o755 });
  const passwd = path.join(etc, 'passwd');
  const group = path.join(etc, 'group');
  await writeIfChanged(passwd, passwdFile(user.username, uid));
  await writeIfChanged(group, groupFile(user.username, uid));
  return { passwd, group };
}
