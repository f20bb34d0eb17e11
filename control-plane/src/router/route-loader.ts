import fs from 'node:fs';
import Database from 'better-sqlite3';
import {
  buildRouteTable,
  RouteTable,
  type RouteTableSettings,
  type StaticFileRouteRow,
  type WebappRouteRow,
} from './route-table.js';
import type { RouterLog } from './router-log.js';

const POLL_MS = 100;
/** Requests that hit a missing socket ask for a fresh look; this caps how often that reads the store. */
const MIN_CHECK_GAP_MS = 20;

/**
 * Keeps the router's route table in step with the store. It has its own
 * read-only connection (the api is the only writer) and polls the
 * routes_version counter, which the api bumps on every change that matters
 * here, so a change is served within about POLL_MS. When the database cannot
 * be read (missing, being replaced, api not started yet) it keeps serving
 * the last table it had and tries again at the next tick.
 */
export class RouteLoader {
  private db: Database.Database | null = null;
  private versionStmt: Database.Statement | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastCheck = 0;
  private lastProblem = '';
  table: RouteTable;

  constructor(
    private readonly dbFile: string,
    private readonly settings: RouteTableSettings,
    private readonly log: RouterLog,
    private readonly pollMs = POLL_MS,
  ) {
    // Before the first read: the dashboard is served even with no database yet.
    this.table = buildRouteTable(settings, -1, [], []);
  }

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closeDb();
  }

  /** An app's socket was missing: its route may have just changed, look now rather than at the next tick. */
  checkSoon(): void {
    if (Date.now() - this.lastCheck >= MIN_CHECK_GAP_MS) this.check();
  }

  /** Reads the version and, when it moved, the whole table. Never throws. */
  check(): void {
    this.lastCheck = Date.now();
    try {
      this.open();
      const row = this.versionStmt!.get() as { value: string } | undefined;
      const version = row ? Number(row.value) : 0;
      if (version === this.table.version) return;
      this.table = this.read(version);
      this.problemSolved();
    } catch (err) {
      this.problem(err as Error);
      // A connection that failed once (file replaced, schema missing) is reopened next time.
      this.closeDb();
    }
  }

  private open(): void {
    if (this.db) return;
    this.db = new Database(this.dbFile, { readonly: true, fileMustExist: true });
    // Never stall the event loop behind a writer for long; the next tick retries.
    this.db.pragma('busy_timeout = 50');
    this.versionStmt = this.db.prepare(`SELECT value FROM meta WHERE key = 'routes_version'`);
  }

  private read(version: number): RouteTable {
    const db = this.db!;
    // One read transaction: the web apps and their mappings are from the same moment.
    return db.transaction(() => {
      const webapps = db
        .prepare(
          `SELECT w.id, w.user_id, u.username, w.domain_name, w.enabled, w.active_generation, w.force_https,
                  w.password_protection_enabled, w.password_protection_username, w.password_protection_hash
             FROM webapps w JOIN users u ON u.id = w.user_id`,
        )
        .all() as WebappRouteRow[];
      const statics = db.prepare('SELECT webapp_id, url, path FROM static_files').all() as StaticFileRouteRow[];
      return buildRouteTable(this.settings, version, webapps, statics);
    })();
  }

  private closeDb(): void {
    try {
      this.db?.close();
    } catch {
      // Closing a broken connection has nothing left to tell us.
    }
    this.db = null;
    this.versionStmt = null;
  }

  private problem(err: Error): void {
    if (err.message === this.lastProblem) return; // once per distinct problem, not ten times a second
    this.lastProblem = err.message;
    if (this.table.version < 0 && !fs.existsSync(this.dbFile)) {
      // A first start: the api creates the database in a moment.
      this.log.info({ db: this.dbFile }, 'no database yet; serving the dashboard only until the api creates it');
      return;
    }
    this.log.warn({ err, db: this.dbFile, routes: this.table.size }, 'cannot read the route table; serving the last one');
  }

  private problemSolved(): void {
    if (this.lastProblem !== '') this.log.info({ routes: this.table.size }, 'route table readable again');
    this.lastProblem = '';
  }
}
