import fs from 'node:fs';
import { parseSnapshot } from '../domain/route-snapshot.js';
import { buildRouteTable, RouteTable, type RouteTableSettings } from './route-table.js';
import type { RouterLog } from './router-log.js';
import { Poller } from '../lib/poller.js';

const POLL_MS = 50;
/** Requests that hit a missing socket ask for a fresh look; this caps how often that reads the file. */
const MIN_CHECK_GAP_MS = 20;
/** A route table for thousands of apps is a few MiB at most. */
const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/**
 * Keeps the router's route table in step with the one the api publishes
 * (ingress/routes.json, services/route-publisher.ts): a stat every
 * POLL_MS, and a read whenever the file was replaced, so a change made
 * through the API is served within about 100 ms. When the file cannot be
 * read (api not started yet, being replaced, malformed) the router keeps
 * serving the last table it had.
 */
export class RouteLoader {
  private readonly poller = new Poller();
  private lastCheck = 0;
  private seen = '';
  private lastProblem = '';
  table: RouteTable;

  constructor(
    private readonly file: string,
    private readonly settings: RouteTableSettings,
    private readonly log: RouterLog,
    private readonly pollMs = POLL_MS,
  ) {
    // Before the first read: the dashboard is served even with no table yet.
    this.table = buildRouteTable(settings, -1, [], []);
  }

  start(): void {
    this.poller.start(this.pollMs, () => this.check());
  }

  stop(): void {
    this.poller.stop();
  }

  /** An app's socket was missing: its route may have just changed, look now rather than at the next tick. */
  checkSoon(): void {
    if (Date.now() - this.lastCheck >= MIN_CHECK_GAP_MS) this.check();
  }

  /** Reads the file when it was replaced since the last look. Never throws. */
  check(): void {
    this.lastCheck = Date.now();
    try {
      const st = fs.statSync(this.file, { throwIfNoEntry: false });
      if (st === undefined) {
        this.problem('missing', () => this.log.info({ file: this.file }, 'no route table from the api yet; serving the dashboard only until it publishes one'));
        return;
      }
      // The api renames a new file into place: a new inode (or, at worst, a new mtime or size).
      const key = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (key === this.seen) return;
      if (st.size > MAX_SNAPSHOT_BYTES) throw new Error(`the route table is larger than ${MAX_SNAPSHOT_BYTES} bytes`);
      const snapshot = parseSnapshot(fs.readFileSync(this.file, 'utf8'));
      this.seen = key;
      if (snapshot.version !== this.table.version) {
        this.table = buildRouteTable(this.settings, snapshot.version, snapshot.webapps, snapshot.staticFiles, snapshot.websites ?? []);
      }
      if (this.lastProblem === 'missing') this.log.info({ routes: this.table.size }, 'route table received from the api');
      else if (this.lastProblem !== '') this.log.info({ routes: this.table.size }, 'route table readable again');
      this.lastProblem = '';
    } catch (err) {
      this.problem((err as Error).message, () => this.log.warn({ err, file: this.file, routes: this.table.size }, 'cannot read the route table; serving the last one'));
    }
  }

  /** Once per distinct problem, not twenty times a second. */
  private problem(what: string, report: () => void): void {
    if (what === this.lastProblem) return;
    this.lastProblem = what;
    report();
  }
}
