import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { RouteFiles } from '../../domain/layout.js';
import { serializeChanges, serializeSnapshot } from '../../domain/route-snapshot.js';
import { isRoot } from '../../lib/platform-dirs.js';
import type { RouteRows } from '../../store/route-rows.js';
import { Poller } from '../../lib/poller.js';
import { replaceFile } from '../../lib/replace-file.js';

const POLL_MS = 25;
/** The change lines are started afresh (the whole table written again) once they are this much larger than the table itself, so a router starting reads at most about twice the table. */
const RESTART_RATIO = 1;
const MIN_RESTART_BYTES = 256 * 1024;

/**
 * Hands the router its route table. When the api starts, the whole table
 * goes to ingress/routes.json; after that, whenever the store's
 * routes_version moves, the rows of just the sites that changed are
 * appended as one line to ingress/routes.changes (route_changes, filled by
 * triggers, says which). When those lines outgrow the table, both files
 * start afresh. Both are root:<ingress> 0640; the router runs as its own
 * uid and never opens the database, which holds password and token
 * hashes. It polls both files, and keeps the last table it read while the
 * api is down.
 */
export class RoutePublisher {
  private published = Number.NaN;
  /** Which whole table the change lines follow; null until it is written. */
  private epoch: string | null = null;
  private seq = 0;
  private tableBytes = 0;
  private changesBytes = 0;
  private readonly poller = new Poller();
  private failing = false;

  constructor(
    private readonly rows: RouteRows,
    private readonly files: RouteFiles,
    private readonly ingressGid: number,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = POLL_MS,
  ) {}

  start(): void {
    this.poller.start(this.pollMs, () => this.check());
  }

  stop(): void {
    this.poller.stop();
  }

  /** Publishes when the version moved since the last write. Never throws. */
  check(): void {
    try {
      if (this.rows.currentVersion() === this.published) return;
      if (this.epoch === null || this.changesBytes > Math.max(MIN_RESTART_BYTES, this.tableBytes * RESTART_RATIO)) this.writeTable();
      else this.appendChanges(this.epoch);
      if (this.failing) this.log.info({ file: this.files.table }, 'route table published again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.log.error({ err, file: this.files.table }, 'cannot publish the route table for the router; it keeps its last one');
      this.failing = true;
      // Whatever was half done, the next look starts afresh from the whole table.
      this.epoch = null;
    }
  }

  private writeTable(): void {
    const owner = isRoot() ? { uid: 0, gid: this.ingressGid } : undefined;
    const epoch = randomUUID();
    const snapshot = this.rows.snapshot();
    const text = serializeSnapshot({ ...snapshot, epoch });
    // The table first: change lines of the old epoch that the router still reads are then ignored.
    replaceFile(this.files.table, text, 0o640, owner);
    replaceFile(this.files.changes, '', 0o640, owner);
    this.rows.forgetChanges(snapshot.seq);
    Object.assign(this, { epoch, seq: snapshot.seq, tableBytes: text.length, changesBytes: 0, published: snapshot.version });
  }

  private appendChanges(epoch: string): void {
    const changed = this.rows.changesSince(this.seq);
    const line = serializeChanges({ ...changed, epoch });
    // The file is the api's own (written by replaceFile in a folder only root writes); O_NOFOLLOW refuses a link anyway.
    const fd = fs.openSync(this.files.changes, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_NOFOLLOW);
    try {
      // One write: the router reads only whole lines, so it sees this change whole or not yet.
      fs.writeSync(fd, line);
    } finally {
      fs.closeSync(fd);
    }
    this.rows.forgetChanges(changed.seq);
    this.seq = changed.seq;
    this.changesBytes += Buffer.byteLength(line);
    this.published = changed.version;
  }
}
