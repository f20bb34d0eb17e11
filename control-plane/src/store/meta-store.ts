import type { Db } from './database.js';

/** Instance-wide key/value settings in the `meta` table (instance id, first-run setup token). */
export class MetaStore {
  constructor(private readonly db: Db) {}

  get(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** True when the key was there. */
  remove(key: string): boolean {
    return this.db.prepare('DELETE FROM meta WHERE key = ?').run(key).changes > 0;
  }
}
