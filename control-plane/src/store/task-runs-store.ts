import type { Db } from './database.js';

export type RunTrigger = 'schedule' | 'catch_up' | 'run_now';
export type RunOutcome = 'running' | 'ok' | 'failed' | 'killed' | 'skipped';

export interface TaskRunRow {
  id: number;
  task_id: number;
  trigger: RunTrigger;
  due_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  exit_code: number | null;
  outcome: RunOutcome;
  detail: string;
  container_id: string | null;
}

/** Runs kept per task: older ones are dropped as new ones come. */
export const RUNS_KEPT = 100;

/** A scheduled task's runs, newest last; they go with their task. */
export class TaskRunsStore {
  constructor(private readonly db: Db) {}

  insert(r: Pick<TaskRunRow, 'task_id' | 'trigger' | 'due_at' | 'started_at' | 'outcome' | 'detail'>): TaskRunRow {
    const info = this.db
      .prepare('INSERT INTO task_runs (task_id, trigger, due_at, started_at, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.task_id, r.trigger, r.due_at, r.started_at, r.outcome, r.detail);
    this.db
      .prepare('DELETE FROM task_runs WHERE task_id = ? AND id <= (SELECT id FROM task_runs WHERE task_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)')
      .run(r.task_id, r.task_id, RUNS_KEPT);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  setContainer(id: number, containerId: string): void {
    this.db.prepare('UPDATE task_runs SET container_id = ? WHERE id = ?').run(containerId, id);
  }

  /** Ends a run that is still running; false when it had already ended (someone else recorded it). */
  finish(id: number, end: Pick<TaskRunRow, 'ended_at' | 'exit_code' | 'outcome' | 'detail'>): boolean {
    return this.db
      .prepare("UPDATE task_runs SET ended_at = ?, exit_code = ?, outcome = ?, detail = ? WHERE id = ? AND outcome = 'running'")
      .run(end.ended_at, end.exit_code, end.outcome, end.detail, id).changes === 1;
  }

  byId(id: number): TaskRunRow | undefined {
    return this.db.prepare('SELECT * FROM task_runs WHERE id = ?').get(id) as TaskRunRow | undefined;
  }

  recent(taskId: number, limit: number): TaskRunRow[] {
    return this.db.prepare('SELECT * FROM task_runs WHERE task_id = ? ORDER BY id DESC LIMIT ?').all(taskId, limit) as TaskRunRow[];
  }

  latest(taskId: number): TaskRunRow | undefined {
    return this.recent(taskId, 1)[0];
  }

  runningOf(taskId: number): TaskRunRow | undefined {
    return this.db.prepare("SELECT * FROM task_runs WHERE task_id = ? AND outcome = 'running' ORDER BY id LIMIT 1").get(taskId) as TaskRunRow | undefined;
  }

  /** The user id of the run's task's owner. */
  ownerOf(runId: number): number | undefined {
    return (this.db.prepare('SELECT t.user_id FROM task_runs r JOIN scheduled_tasks t ON t.id = r.task_id WHERE r.id = ?').get(runId) as { user_id: number } | undefined)?.user_id;
  }

  /** Every run in progress, with its task's owner. */
  allRunning(): (TaskRunRow & { user_id: number })[] {
    return this.db
      .prepare("SELECT r.*, t.user_id FROM task_runs r JOIN scheduled_tasks t ON t.id = r.task_id WHERE r.outcome = 'running' ORDER BY r.id")
      .all() as (TaskRunRow & { user_id: number })[];
  }
}
