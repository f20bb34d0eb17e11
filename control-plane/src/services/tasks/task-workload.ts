import type { Config } from '../../config.js';
import { DEFAULT_PYTHON_VERSION, pythonVersionOfCommand } from '../../domain/python-versions.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import { shellWorkload, type IdentityFiles } from '../consoles/shell-workload.js';

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
 * A task's container: what the user's console gets (shell-workload.ts:
 * home, /var/www, /var/log, passwd and group, environment, the home as
 * working directory), the command under TASK_SHIM, in the runtime image of
 * the Python its first word names (`python3.9 job.py`; the default one
 * otherwise). Pure.
 */
export function taskWorkload(config: Config, instance: string, user: UserRow, etc: IdentityFiles, run: TaskRunSpec): WorkloadSpec {
  return shellWorkload(config, instance, user, etc, {
    kind: run.kind,
    workloadId: run.workloadId,
    generation: run.generation,
    entrypoint: ['bash', '-c', TASK_SHIM, 'pyhost-task', `/var/log/${run.logName}`, run.command],
    // A bot gets the chance to say goodbye; a scheduled run is only stopped when it must end now.
    stopSignal: run.kind === 'always_on' ? 'SIGTERM' : 'SIGKILL',
    memoryMb: run.memoryMb,
    python: pythonVersionOfCommand(run.command) ?? DEFAULT_PYTHON_VERSION,
  });
}
