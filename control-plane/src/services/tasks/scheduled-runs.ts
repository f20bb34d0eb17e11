import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { endedText, runLine, startedText, taskLogName } from '../../domain/task-log.js';
import type { ContainerRuntime, ManagedContainer } from '../../runtime/index.js';
import type { ScheduledTaskRow } from '../../store/scheduled-tasks-store.js';
import type { RunOutcome, RunTrigger, TaskRunRow, TaskRunsStore } from '../../store/task-runs-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { appendTaskLog, rotateTaskLogIfBig, taskLogTarget, type TaskLogTarget } from './task-log-file.js';
import { identityFiles } from '../consoles/shell-workload.js';
import { taskWorkload } from './task-workload.js';

/** Docker's status for a process ended by SIGKILL. */
export const EXIT_KILLED = 137;

export interface ScheduledRunsDeps {
  readonly config: Config;
  readonly instance: string;
  readonly runtime: ContainerRuntime;
  readonly runs: TaskRunsStore;
  readonly users: UsersStore;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly clock: () => number;
  readonly log: FastifyBaseLogger;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One scheduled run from its row to its end: the row first (so the
 * reconciler never takes the container for an orphan, and a second start
 * of the same task sees it), then the log's start line and the container;
 * the end (exit code, duration) when the container is found finished, by
 * the reconciler (scheduled-run-keeper.ts), after a restart too.
 */
export class ScheduledRuns {
  /** Runs whose container is being created: the reconciler leaves them alone. */
  private readonly starting = new Set<number>();

  constructor(private readonly deps: ScheduledRunsDeps) {}

  isStarting(runId: number): boolean {
    return this.starting.has(runId);
  }

  /** Synchronously records a run as started, so that nothing can start the task again meanwhile; launch() starts it. */
  begin(task: ScheduledTaskRow, trigger: RunTrigger, due: number | null): TaskRunRow {
    const run = this.deps.runs.insert({ task_id: task.id, trigger, due_at: due === null ? null : iso(due), started_at: iso(this.deps.clock()), outcome: 'running', detail: '' });
    this.starting.add(run.id);
    return run;
  }

  /** Starts the container of a run begun with begin(); a run that cannot start ends `failed`, with why in the log. */
  async launch(task: ScheduledTaskRow, run: TaskRunRow, note?: string): Promise<TaskRunRow> {
    const user = this.deps.users.byId(task.user_id);
    try {
      if (!user) throw new Error('the account is gone');
      const target = this.logTarget(user, task.id);
      await rotateTaskLogIfBig(target, this.deps.config.tasks.logMaxBytes);
      const now = this.deps.clock();
      await appendTaskLog(target, (note ? runLine(now, note) : '') + runLine(now, startedText(run.id, run.trigger, run.due_at === null ? null : Date.parse(run.due_at), task.command)));
      const spec = taskWorkload(this.deps.config, this.deps.instance, user, await identityFiles(this.deps.config, user), {
        kind: 'scheduled_run', workloadId: run.id, generation: null, command: task.command, logName: taskLogName('scheduled', task.id), memoryMb: this.deps.limits.of(user).memory_mb,
      });
      const c = await this.deps.runtime.start(spec);
      this.deps.runs.setContainer(run.id, c.id);
    } catch (err) {
      this.deps.log.warn({ err, task: task.id, run: run.id }, 'scheduled run could not start');
      await this.end(run, user, { exitCode: null, outcome: 'failed', detail: `could not start: ${(err as Error).message}` });
    } finally {
      this.starting.delete(run.id);
    }
    return this.deps.runs.byId(run.id)!;
  }

  /** A run due while the previous one still goes: recorded, and said in the log. */
  async skip(task: ScheduledTaskRow, due: number, going: TaskRunRow): Promise<void> {
    const detail = `run ${going.id} still going`;
    const run = this.deps.runs.insert({ task_id: task.id, trigger: 'schedule', due_at: iso(due), started_at: null, outcome: 'skipped', detail });
    const user = this.deps.users.byId(task.user_id);
    if (user) await this.append(user, task.id, runLine(this.deps.clock(), `run ${run.id} skipped: ${detail}`));
  }

  /** The run's container has finished: its exit code and duration go into the run and the log. */
  async finished(run: TaskRunRow, c: ManagedContainer): Promise<void> {
    const exitCode = c.exitCode;
    const outcome: RunOutcome = exitCode === 0 ? 'ok' : 'failed';
    const ran = c.startedAt && c.finishedAt ? Date.parse(c.finishedAt) - Date.parse(c.startedAt) : null;
    await this.end(run, this.userOfRun(run), { exitCode, outcome, detail: exitCode === 0 ? '' : `exit code ${exitCode ?? 'unknown'}`, ranMs: ran });
  }

  /** The run's container is gone without its end being seen (removed by hand). */
  async lost(run: TaskRunRow): Promise<void> {
    await this.end(run, this.userOfRun(run), { exitCode: null, outcome: 'failed', detail: 'its container was removed before it ended' }, true);
  }

  /** Ends a run now (time limit, task deleted, account disabled): the container goes, the log says why. */
  async kill(run: TaskRunRow, detail: string): Promise<void> {
    await this.end(run, this.userOfRun(run), { exitCode: EXIT_KILLED, outcome: 'killed', detail }, true);
    if (run.container_id) await this.deps.runtime.remove(run.container_id);
  }

  private async end(
    run: TaskRunRow,
    user: UserRow | undefined,
    e: { exitCode: number | null; outcome: RunOutcome; detail: string; ranMs?: number | null },
    sayDetail = false,
  ): Promise<void> {
    const now = this.deps.clock();
    const started = run.started_at === null ? now : Date.parse(run.started_at);
    const ranMs = Math.max(0, e.ranMs ?? now - started);
    if (!this.deps.runs.finish(run.id, { ended_at: iso(started + ranMs), exit_code: e.exitCode, outcome: e.outcome, detail: e.detail })) return;
    if (!user) return;
    const lines = (sayDetail || e.outcome === 'failed' && e.exitCode === null ? runLine(now, `run ${run.id} ${e.outcome}: ${e.detail}`) : '') + runLine(now, endedText(run.id, e.exitCode, ranMs / 1000));
    await this.append(user, run.task_id, lines);
  }

  private userOfRun(run: TaskRunRow): UserRow | undefined {
    const row = this.deps.runs.ownerOf(run.id);
    return row === undefined ? undefined : this.deps.users.byId(row);
  }

  private async append(user: UserRow, taskId: number, text: string): Promise<void> {
    await appendTaskLog(this.logTarget(user, taskId), text).catch((err: unknown) => this.deps.log.warn({ err, task: taskId }, 'could not write the task log'));
  }

  private logTarget(user: UserRow, taskId: number): TaskLogTarget {
    return taskLogTarget(this.deps.config, user, 'scheduled', taskId);
  }
}
