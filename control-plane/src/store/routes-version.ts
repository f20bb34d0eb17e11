import type { Db } from './database.js';

/**
 * A counter in the store that the api bumps whenever anything the router
 * needs changes (which socket serves a domain, static mappings, protection).
 * The router polls it, so a change reaches it quickly and the router keeps
 * its last table when the api is down.
 */
export class RoutesVersion {
  constructor(private readonly db: Db) {}

  bump(): void {
    this.db
      .prepare(
        `INSERT INTO meta (key, value) VALUES ('routes_version', '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
      )
      .run();
  }

  current(): number {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'routes_version'`).get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }
}
