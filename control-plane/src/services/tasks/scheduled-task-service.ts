import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { applyTaskInput, latestDue, type ScheduleInput, type TaskFields } from '../../domain/schedule-rules.js';
import type { ScheduledTaskRow, ScheduledTasksStore } from '../../store/scheduled-tasks-store.js';
import type { TaskRunRow, TaskRunsStore } from '../../store/task-runs-store.js';
import type { UserRow } from '../../store/users-store.js';
import type { ScheduledRuns } from './scheduled-runs.js';

export interface ScheduledTaskServiceDeps {
  readonly tasks: ScheduledTasksStore;
  readonly runs: TaskRunsStore;
  readonly scheduled: ScheduledRuns;
  readonly clock: () => number;
  readonly maxPerUser: number;
}

export function fieldsOf(row: ScheduledTaskRow): TaskFields {
  return { command: row.command, description: row.description, enabled: row.enabled === 1, interval: row.interval, hour: row.hour, minute: row.minute };
}

/** The use cases of scheduled tasks: one method each; the scheduler (scheduler.ts) runs them. */
export class ScheduledTaskService {
  constructor(private readonly deps: ScheduledTaskServiceDeps) {}

  list(owner: UserRow): ScheduledTaskRow[] {
    return this.deps.tasks.forUser(owner.id);
  }

  /** The owner's task; another user's is as absent as one that never existed. */
  get(owner: UserRow, id: number): ScheduledTaskRow {
    const row = this.deps.tasks.byId(id);
    if (!row || row.user_id !== owner.id) throw new NotFoundError(`no scheduled task ${id}`);
    return row;
  }

  /** A new task starts counting from now: its latest due minute is taken as dealt with, so creating one never runs it at once. */
  create(owner: UserRow, input: ScheduleInput): ScheduledTaskRow {
    const fields = applyTaskInput(null, input);
    const max = this.deps.maxPerUser;
    if (this.deps.tasks.countForUser(owner.id) >= max) {
      throw new ConflictError(`You can have at most ${max} scheduled task${max === 1 ? '' : 's'} (limit scheduled_tasks); delete one first, or ask an administrator for more.`);
    }
    const now = this.deps.clock();
    return this.deps.tasks.insert(owner.id, { ...fields }, new Date(now).toISOString(), new Date(latestDue(fields, now)).toISOString());
  }

  /** A changed schedule (or enabling it) counts from now, like a new one: no catch-up for minutes it was not due or not enabled. */
  update(owner: UserRow, id: number, input: ScheduleInput): ScheduledTaskRow {
    const row = this.get(owner, id);
    const fields = applyTaskInput(fieldsOf(row), input);
    const rescheduled = fields.interval !== row.interval || fields.hour !== row.hour || fields.minute !== row.minute || (fields.enabled && row.enabled === 0);
    const lastDue = rescheduled ? new Date(latestDue(fields, this.deps.clock())).toISOString() : row.last_due_at;
    return this.deps.tasks.update(row.id, fields, lastDue);
  }

  /** Deletes the task; a run in progress is stopped and its container removed first. The log file stays. */
  async remove(owner: UserRow, id: number): Promise<void> {
    const row = this.get(owner, id);
    const going = this.deps.runs.runningOf(row.id);
    if (going) await this.deps.scheduled.kill(going, 'stopped: the task was deleted');
    this.deps.tasks.remove(row.id);
  }

  /** Pyhost's Run now: a run at once, unless one is still going. */
  async runNow(owner: UserRow, id: number): Promise<TaskRunRow> {
    const row = this.get(owner, id);
    const going = this.deps.runs.runningOf(row.id);
    if (going) throw new ConflictError(`run ${going.id} of this task is still going (started ${going.started_at}); wait for it to end`);
    const run = this.deps.scheduled.begin(row, 'run_now', null);
    return this.deps.scheduled.launch(row, run);
  }

  runs(owner: UserRow, id: number, limit: number): TaskRunRow[] {
    return this.deps.runs.recent(this.get(owner, id).id, limit);
  }

  latestRun(row: ScheduledTaskRow): TaskRunRow | null {
    return this.deps.runs.latest(row.id) ?? null;
  }
}
