import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { UnavailableError } from '../../domain/errors.js';
import { runLine, taskLogName } from '../../domain/task-log.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { RuntimeError, type ContainerRuntime, type ManagedContainer } from '../../runtime/index.js';
import type { AlwaysOnRow } from '../../store/always-on-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { appendTaskLog, rotateTaskLogIfBig, taskLogTarget, type TaskLogTarget } from './task-log-file.js';
import { identityFiles } from '../consoles/shell-workload.js';
import { taskWorkload } from './task-workload.js';

/** What the control plane knows of an always-on task beyond its row (since it started). */
export interface AlwaysOnStatus {
  container: ManagedContainer | null;
  restarts: number;
  lastExitCode: number | null;
}

export interface AlwaysOnRunnerDeps {
  readonly config: Config;
  readonly instance: string;
  readonly runtime: ContainerRuntime;
  readonly users: UsersStore;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly clock: () => number;
  readonly log: FastifyBaseLogger;
}

/**
 * The containers of always-on tasks: one per task, of its generation.
 * Starting one first removes whatever ran before (two copies of a bot
 * must never run at once); both happen under the task's lock, which the
 * reconciler respects.
 */
export class AlwaysOnRunner {
  readonly locks = new KeyedLock();
  private readonly status = new Map<number, AlwaysOnStatus>();

  constructor(private readonly deps: AlwaysOnRunnerDeps) {}

  statusOf(id: number): AlwaysOnStatus {
    let s = this.status.get(id);
    if (!s) this.status.set(id, (s = { container: null, restarts: 0, lastExitCode: null }));
    return s;
  }

  forget(id: number): void {
    this.status.delete(id);
  }

  /** Starts the task's container (`why` goes into the log); call under locks. */
  async start(row: AlwaysOnRow, why: string): Promise<void> {
    const user = this.deps.users.byId(row.user_id);
    if (!user) return;
    await this.removeContainers(row.id);
    const target = this.logTarget(user, row.id);
    await rotateTaskLogIfBig(target, this.deps.config.tasks.logMaxBytes);
    await this.say(target, `${why}: ${row.command}`);
    const spec = taskWorkload(this.deps.config, this.deps.instance, user, await identityFiles(this.deps.config, user), {
      kind: 'always_on', workloadId: row.id, generation: row.generation, command: row.command, logName: taskLogName('always_on', row.id), memoryMb: this.deps.limits.of(user).memory_mb,
    });
    try {
      this.statusOf(row.id).container = await this.deps.runtime.start(spec);
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'unavailable') throw new UnavailableError('the container engine is not answering; try again in a moment');
      throw err;
    }
  }

  /** Stops and removes every container of the task; call under locks. */
  async stop(row: AlwaysOnRow, why: string): Promise<void> {
    const had = await this.removeContainers(row.id);
    const user = this.deps.users.byId(row.user_id);
    if (had && user) await this.say(this.logTarget(user, row.id), why);
  }

  /** Rotates the log of a running task that has grown past the limit (the reconciler's passes call it). */
  async rotateIfBig(row: AlwaysOnRow): Promise<void> {
    const user = this.deps.users.byId(row.user_id);
    if (!user) return;
    await rotateTaskLogIfBig(this.logTarget(user, row.id), this.deps.config.tasks.logMaxBytes, true).catch((err: unknown) => this.deps.log.warn({ err, task: row.id }, 'could not rotate the task log'));
  }

  /** A line of Pyhost's in the task's log. */
  async note(row: AlwaysOnRow, text: string): Promise<void> {
    const user = this.deps.users.byId(row.user_id);
    if (user) await this.say(this.logTarget(user, row.id), text);
  }

  /** Whether a container of the task's current generation runs now (asked of the engine, not remembered). */
  async isRunning(row: AlwaysOnRow): Promise<boolean> {
    const mine = await this.containersOf(row.id);
    return mine.some((c) => c.state === 'running' && c.labels.generation === row.generation);
  }

  private async containersOf(id: number): Promise<ManagedContainer[]> {
    return (await this.deps.runtime.list(this.deps.instance)).filter((c) => c.labels.kind === 'always_on' && c.labels.workload === id);
  }

  private async removeContainers(id: number): Promise<boolean> {
    const mine = await this.containersOf(id);
    for (const c of mine) await this.deps.runtime.remove(c.id);
    this.statusOf(id).container = null;
    return mine.length > 0;
  }

  private async say(target: TaskLogTarget, text: string): Promise<void> {
    await appendTaskLog(target, runLine(this.deps.clock(), text)).catch((err: unknown) => this.deps.log.warn({ err, log: target.name }, 'could not write the task log'));
  }

  private logTarget(user: UserRow, id: number): TaskLogTarget {
    return taskLogTarget(this.deps.config, user, 'always_on', id);
  }
}
