import { nowIso, type Db } from './database.js';

export interface ConsoleRow {
  id: number;
  user_id: number;
  executable: string;
  arguments: string;
  working_directory: string | null;
  created_at: string;
}

export type NewConsole = Pick<ConsoleRow, 'user_id' | 'executable' | 'arguments' | 'working_directory'>;

/**
 * The consoles that exist. Their processes and output live in the control
 * plane's memory (services/console-service.ts); a row outlives neither.
 */
export class ConsolesStore {
  constructor(private readonly db: Db) {}

  insert(c: NewConsole): ConsoleRow {
    const info = this.db
      .prepare('INSERT INTO consoles (user_id, executable, arguments, working_directory, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(c.user_id, c.executable, c.arguments, c.working_directory, nowIso());
    return this.byId(Number(info.lastInsertRowid))!;
  }

  byId(id: number): ConsoleRow | undefined {
    return this.db.prepare('SELECT * FROM consoles WHERE id = ?').get(id) as ConsoleRow | undefined;
  }

  forUser(userId: number): ConsoleRow[] {
    return this.db.prepare('SELECT * FROM consoles WHERE user_id = ? ORDER BY id').all(userId) as ConsoleRow[];
  }

  all(): ConsoleRow[] {
    return this.db.prepare('SELECT * FROM consoles ORDER BY id').all() as ConsoleRow[];
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM consoles WHERE id = ?').run(id);
  }

  /** At start-up: consoles of a previous control-plane process cannot be reattached. */
  removeAll(): number {
    return this.db.prepare('DELETE FROM consoles').run().changes;
  }
}
