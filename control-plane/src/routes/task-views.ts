import type { Static } from 'typebox';
import { nextRun, printableTime } from '../domain/schedule-rules.js';
import { paLogfile } from '../domain/task-log.js';
import type { ScheduledTask, TaskRun } from '../schemas/tasks.js';
import type { ScheduledTaskRow } from '../store/scheduled-tasks-store.js';
import type { TaskRunRow } from '../store/task-runs-store.js';
import type { UserRow } from '../store/users-store.js';

export function runView(r: TaskRunRow): Static<typeof TaskRun> {
  const duration = r.started_at !== null && r.ended_at !== null ? (Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000 : null;
  return {
    id: r.id, task: r.task_id, trigger: r.trigger, due_at: r.due_at, started_at: r.started_at, ended_at: r.ended_at,
    exit_code: r.exit_code, duration_seconds: duration, outcome: r.outcome, detail: r.detail,
  };
}

/** A scheduled task as PythonAnywhere answers it, with Pyhost's next_run and last_run beside. */
export function scheduledView(row: ScheduledTaskRow, owner: UserRow, lastRun: TaskRunRow | null, now: number): Static<typeof ScheduledTask> {
  const lastDue = row.last_due_at === null ? null : Date.parse(row.last_due_at);
  return {
    id: row.id,
    url: `/api/v0/user/${owner.username}/schedule/${row.id}/`,
    user: owner.username,
    command: row.command,
    description: row.description,
    enabled: row.enabled === 1,
    interval: row.interval,
    hour: row.hour,
    minute: row.minute,
    printable_time: printableTime(row),
    logfile: paLogfile(owner.username, 'scheduled', row.id),
    // Pyhost's tasks do not expire: nothing to extend.
    expiry: null,
    can_enable: owner.disabled_at === null,
    extend_url: null,
    next_run: row.enabled === 1 ? new Date(nextRun(row, now, lastDue)).toISOString() : null,
    last_run: lastRun === null ? null : runView(lastRun),
    created_at: row.created_at,
  };
}
