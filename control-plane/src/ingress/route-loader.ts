import fs from 'node:fs';
import type { RouteFiles } from '../domain/layout.js';
import { parseChanges, parseSnapshot, type RouteSnapshot } from '../domain/route-snapshot.js';
import { buildRouteTable, RouteTable, type RouteTableSettings } from './route-table.js';
import type { RouterLog } from './router-log.js';
import { Poller } from '../lib/poller.js';

const POLL_MS = 50;
/** Requests that hit a missing socket ask for a fresh look; this caps how often that reads the files. */
const MIN_CHECK_GAP_MS = 20;
/** A route table for thousands of apps is a few MiB at most. */
const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;


/**
 * Keeps the router's route table in step with the one the api publishes:
 * a stat of both files every POLL_MS. A new routes.json is read whole and
 * the table built afresh; new lines of routes.changes patch it (only whole
 * lines, of the table's epoch, newer than it). So a change made through
 * the API is served within about 100 ms, and costs the rows it touched.
 * When a file cannot be read (api not started yet, being replaced,
 * malformed) the router keeps serving the last table it had.
 */
export class RouteLoader {
  private readonly poller = new Poller();
  private lastCheck = 0;
  private seen = '';
  private lastProblem = '';
  /** The epoch of the table read last (RouteSnapshot.epoch); change lines of another are not for it. */
  private epoch: string | undefined;
  /** The changes file read so far: its inode, and the bytes of whole lines consumed. */
  private changesIno = -1;
  private changesOffset = 0;
  table: RouteTable;

  constructor(
    private readonly files: RouteFiles,
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

  /** Reads what was published since the last look. Never throws. */
  check(): void {
    this.lastCheck = Date.now();
    try {
      if (!this.checkTable()) return;
      this.checkChanges();
      if (this.lastProblem === 'missing') this.log.info({ routes: this.table.size }, 'route table received from the api');
      else if (this.lastProblem !== '') this.log.info({ routes: this.table.size }, 'route table readable again');
      this.lastProblem = '';
    } catch (err) {
      this.problem((err as Error).message, () => this.log.warn({ err, file: this.files.table, routes: this.table.size }, 'cannot read the route table; serving the last one'));
    }
  }

  /** False while there is no table yet. */
  private checkTable(): boolean {
    const st = fs.statSync(this.files.table, { throwIfNoEntry: false });
    if (st === undefined) {
      this.problem('missing', () => this.log.info({ file: this.files.table }, 'no route table from the api yet; serving the dashboard only until it publishes one'));
      return false;
    }
    // The api renames a new file into place: a new inode (or, at worst, a new mtime or size).
    const key = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (key === this.seen) return true;
    if (st.size > MAX_SNAPSHOT_BYTES) throw new Error(`the route table is larger than ${MAX_SNAPSHOT_BYTES} bytes`);
    const snapshot: RouteSnapshot = parseSnapshot(fs.readFileSync(this.files.table, 'utf8'));
    this.seen = key;
    this.epoch = snapshot.epoch;
    this.changesIno = -1; // the change lines after this table are read from their start
    this.table = buildRouteTable(this.settings, snapshot.version, snapshot.webapps, snapshot.staticFiles, snapshot.websites ?? []);
    return true;
  }

  private checkChanges(): void {
    if (this.epoch === undefined) return;
    const st = fs.statSync(this.files.changes, { throwIfNoEntry: false });
    if (st === undefined) return;
    if (st.ino !== this.changesIno) {
      this.changesIno = st.ino;
      this.changesOffset = 0;
    }
    if (st.size <= this.changesOffset) return;
    if (st.size - this.changesOffset > MAX_SNAPSHOT_BYTES) throw new Error(`the route changes are larger than ${MAX_SNAPSHOT_BYTES} bytes`);
    const fd = fs.openSync(this.files.changes, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let text: string;
    try {
      // Opened after the stat: a newer file than the one stat'ed starts afresh at the next look.
      if (fs.fstatSync(fd).ino !== this.changesIno) return;
      const buf = Buffer.alloc(st.size - this.changesOffset);
      const n = fs.readSync(fd, buf, 0, buf.length, this.changesOffset);
      text = buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
    // Only whole lines: the api appends each in one write, and the rest comes at the next look.
    const end = text.lastIndexOf('\n');
    if (end < 0) return;
    for (const line of text.slice(0, end).split('\n')) {
      const changes = parseChanges(line);
      if (changes.epoch === this.epoch && changes.version > this.table.version) this.table.apply(changes);
    }
    this.changesOffset += Buffer.byteLength(text.slice(0, end + 1));
  }

  /** Once per distinct problem, not twenty times a second. */
  private problem(what: string, report: () => void): void {
    if (what === this.lastProblem) return;
    this.lastProblem = what;
    report();
  }
}
