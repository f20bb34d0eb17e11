import type { FastifyBaseLogger } from 'fastify';
import { catchUpText } from '../../domain/task-log.js';
import { dueDecision } from '../../domain/schedule-rules.js';
import type { ScheduledTaskRow, ScheduledTasksStore } from '../../store/scheduled-tasks-store.js';
import type { TaskRunRow, TaskRunsStore } from '../../store/task-runs-store.js';
import type { UsersStore } from '../../store/users-store.js';
import type { ScheduledRuns } from './scheduled-runs.js';

/** Containers created at once when many runs are due in the same minute: the engine serialises most of the work anyway. */
const START_CONCURRENCY = 12;

export interface SchedulerDeps {
  readonly tasks: ScheduledTasksStore;
  readonly runs: TaskRunsStore;
  readonly users: UsersStore;
  readonly scheduled: ScheduledRuns;
  readonly clock: () => number;
  readonly tickMs: number;
  readonly timeLimitMs: number;
  readonly log: FastifyBaseLogger;
}

/** Runs `work` for every item, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The clock of scheduled tasks. Each tick (every second, and whenever a
 * test calls tick(now) with its own time) starts the runs that came due,
 * kills runs past the time limit, then skips those whose previous run
 * still goes. Ticks never overlap: a tick asked for during another runs after it.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    void this.tick();
    // A burst of starts can make a tick outlast the interval: the timer then waits for it rather than queueing more.
    this.timer = setInterval(() => {
      if (!this.busy) void this.tick();
    }, this.deps.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look at the clock (`now`: the app's clock unless given); resolves when its runs have started. */
  tick(now: number = this.deps.clock()): Promise<void> {
    const run = this.chain.then(async () => {
      this.busy = true;
      try {
        await this.pass(now);
      } finally {
        this.busy = false;
      }
    });
    this.chain = run.catch((err: unknown) => this.deps.log.error({ err }, 'scheduler tick failed'));
    return run;
  }

  private async pass(now: number): Promise<void> {
    // Runs past their limit end first: a run due now is not skipped for one that is being killed.
    await this.enforceTimeLimit(now);
    const disabled = this.deps.users.disabledIds();
    const launches: (() => Promise<unknown>)[] = [];
    for (const task of this.deps.tasks.all()) {
      const launch = this.consider(task, now, !disabled.has(task.user_id));
      if (launch) launches.push(launch);
    }
    await inPool(launches, START_CONCURRENCY, (launch) => launch());
  }

  /**
   * What is due of one task at `now`. The due minute is recorded as dealt
   * with before anything starts, so that no crash or later tick can run it
   * twice; the run's row is written here too, synchronously, so that Run
   * now cannot start a second one in between.
   */
  private consider(task: ScheduledTaskRow, now: number, accountEnabled: boolean): (() => Promise<unknown>) | null {
    const lastDue = task.last_due_at === null ? null : Date.parse(task.last_due_at);
    const decision = dueDecision(task, now, lastDue, task.enabled === 1 && accountEnabled);
    if (decision.kind === 'none') return null;
    this.deps.tasks.setLastDue(task.id, new Date(decision.due).toISOString());
    if (decision.kind === 'pass') return null;
    const going = this.deps.runs.runningOf(task.id);
    if (going) return () => this.deps.scheduled.skip(task, decision.due, going);
    const run = this.deps.scheduled.begin(task, decision.trigger, decision.due);
    const note = decision.trigger === 'catch_up' ? catchUpText(decision.due, decision.missed) : undefined;
    return () => this.deps.scheduled.launch(task, run, note);
  }

  private async enforceTimeLimit(now: number): Promise<void> {
    const limit = this.deps.timeLimitMs;
    const over = this.deps.runs.allRunning().filter((r: TaskRunRow) => r.started_at !== null && now - Date.parse(r.started_at) >= limit && !this.deps.scheduled.isStarting(r.id));
    for (const run of over) {
      this.deps.log.info({ task: run.task_id, run: run.id }, 'scheduled run past its time limit: killing it');
      await this.deps.scheduled.kill(run, `killed after the ${Math.round(limit / 60_000)}-minute time limit`);
    }
  }
}
