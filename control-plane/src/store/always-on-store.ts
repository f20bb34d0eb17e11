import type { Db } from './database.js';

export interface AlwaysOnRow {
  id: number;
  user_id: number;
  command: string;
  description: string;
  enabled: 0 | 1;
  /** Bumped by every start a person asks for; the running container carries it. */
  generation: number;
  /** Why restarts were given up on; null unless crashed. */
  crashed_reason: string | null;
  created_at: string;
}

export interface AlwaysOnFields {
  command: string;
  description: string;
  enabled: boolean;
}

/** Always-on tasks; their rows go with their user (ON DELETE CASCADE). */
export class AlwaysOnStore {
  constructor(private readonly db: Db) {}

  insert(userId: number, f: AlwaysOnFields, at: string): AlwaysOnRow {
    const info = this.db
      .prepare('INSERT INTO always_on_tasks (user_id, command, description, enabled, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(userId, f.command, f.description, f.enabled ? 1 : 0, at);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** New settings and a new generation: whatever ran before is not what is wanted now. */
  update(id: number, f: AlwaysOnFields): AlwaysOnRow {
    this.db
      .prepare('UPDATE always_on_tasks SET command = ?, description = ?, enabled = ?, generation = generation + 1, crashed_reason = NULL WHERE id = ?')
      .run(f.command, f.description, f.enabled ? 1 : 0, id);
    return this.byId(id)!;
  }

  setCrashed(id: number, reason: string | null): void {
    this.db.prepare('UPDATE always_on_tasks SET crashed_reason = ? WHERE id = ?').run(reason, id);
  }

  byId(id: number): AlwaysOnRow | undefined {
    return this.db.prepare('SELECT * FROM always_on_tasks WHERE id = ?').get(id) as AlwaysOnRow | undefined;
  }

  forUser(userId: number): AlwaysOnRow[] {
    return this.db.prepare('SELECT * FROM always_on_tasks WHERE user_id = ? ORDER BY id').all(userId) as AlwaysOnRow[];
  }

  countForUser(userId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM always_on_tasks WHERE user_id = ?').get(userId) as { n: number }).n;
  }

  all(): AlwaysOnRow[] {
    return this.db.prepare('SELECT * FROM always_on_tasks ORDER BY id').all() as AlwaysOnRow[];
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM always_on_tasks WHERE id = ?').run(id);
  }
}
