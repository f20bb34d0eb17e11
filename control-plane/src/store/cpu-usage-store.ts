import type { Db } from './database.js';

/** One account's CPU time on one UTC day, in microseconds. */
export interface CpuUsageRow {
  readonly charged_usec: number;
  readonly webapp_usec: number;
}

/** What one sweep of the CPU meter adds for one account. */
export interface CpuUsageDelta {
  readonly userId: number;
  readonly chargedUsec: number;
  readonly webappUsec: number;
}

/** The `cpu_usage` table: CPU time per account per UTC day (migration 13). */
export class CpuUsageStore {
  constructor(private readonly db: Db) {}

  /** Adds one sweep's usage to each account's row for `day`, all in one transaction. */
  add(day: string, deltas: readonly CpuUsageDelta[]): void {
    const upsert = this.db.prepare(`
      INSERT INTO cpu_usage (user_id, day, charged_usec, webapp_usec) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, day) DO UPDATE SET
        charged_usec = charged_usec + excluded.charged_usec,
        webapp_usec = webapp_usec + excluded.webapp_usec`);
    this.db.transaction(() => {
      for (const d of deltas) upsert.run(d.userId, day, Math.round(d.chargedUsec), Math.round(d.webappUsec));
    })();
  }

  /** The account's usage on `day`; nothing used is zeros. */
  of(userId: number, day: string): CpuUsageRow {
    const row = this.db.prepare('SELECT charged_usec, webapp_usec FROM cpu_usage WHERE user_id = ? AND day = ?').get(userId, day) as CpuUsageRow | undefined;
    return row ?? { charged_usec: 0, webapp_usec: 0 };
  }

  /** Forgets days before `day` (kept days are what an admin can still look back on). */
  pruneBefore(day: string): void {
    this.db.prepare('DELETE FROM cpu_usage WHERE day < ?').run(day);
  }
}
