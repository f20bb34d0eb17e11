import type { Db } from './database.js';

export type TaskInterval = 'daily' | 'hourly';

export interface ScheduledTaskRow {
  id: number;
  user_id: number;
  command: string;
  description: string;
  enabled: 0 | 1;
  interval: TaskInterval;
  hour: number | null;
  minute: number;
  /** The latest due minute dealt with (ISO), or null before the first. */
  last_due_at: string | null;
  created_at: string;
}

/** What a person sets on a scheduled task. */
export interface ScheduleFields {
  command: string;
  description: string;
  enabled: boolean;
  interval: TaskInterval;
  hour: number | null;
  minute: number;
}

/** Scheduled tasks; their rows go with their user (ON DELETE CASCADE), and their runs with them. */
export class ScheduledTasksStore {
  constructor(private readonly db: Db) {}

  insert(userId: number, f: ScheduleFields, at: string, lastDueAt: string | null): ScheduledTaskRow {
    const info = this.db
      .prepare('INSERT INTO scheduled_tasks (user_id, command, description, enabled, interval, hour, minute, last_due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(userId, f.command, f.description, f.enabled ? 1 : 0, f.interval, f.hour, f.minute, lastDueAt, at);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  update(id: number, f: ScheduleFields, lastDueAt: string | null): ScheduledTaskRow {
    this.db
      .prepare('UPDATE scheduled_tasks SET command = ?, description = ?, enabled = ?, interval = ?, hour = ?, minute = ?, last_due_at = ? WHERE id = ?')
      .run(f.command, f.description, f.enabled ? 1 : 0, f.interval, f.hour, f.minute, lastDueAt, id);
    return this.byId(id)!;
  }

  setLastDue(id: number, at: string): void {
    this.db.prepare('UPDATE scheduled_tasks SET last_due_at = ? WHERE id = ?').run(at, id);
  }

  byId(id: number): ScheduledTaskRow | undefined {
    return this.db.prepare('SELECT * FROM scheduled_tasks WHERE id = ?').get(id) as ScheduledTaskRow | undefined;
  }

  forUser(userId: number): ScheduledTaskRow[] {
    return this.db.prepare('SELECT * FROM scheduled_tasks WHERE user_id = ? ORDER BY id').all(userId) as ScheduledTaskRow[];
  }

  countForUser(userId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM scheduled_tasks WHERE user_id = ?').get(userId) as { n: number }).n;
  }

  all(): ScheduledTaskRow[] {
    return this.db.prepare('SELECT * FROM scheduled_tasks ORDER BY id').all() as ScheduledTaskRow[];
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM scheduled_tasks WHERE id = ?').run(id);
  }
}
