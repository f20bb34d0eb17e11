import type { FastifyBaseLogger } from 'fastify';
import { serializeSnapshot } from '../../domain/route-snapshot.js';
import { isRoot } from '../../lib/platform-dirs.js';
import type { RouteRows } from '../../store/route-rows.js';
import { Poller } from '../../lib/poller.js';
import { replaceFile } from '../../lib/replace-file.js';

const POLL_MS = 25;

/**
 * Hands the router its route table: whenever the store's routes_version
 * moves, the rows the router needs are written to ingress/routes.json
 * (whole, then renamed into place, root:<ingress> 0640). The router runs
 * as its own uid and never opens the database, which holds password and
 * token hashes; it polls this file instead, and keeps the last one it read
 * while the api is down.
 */
export class RoutePublisher {
  private published = Number.NaN;
  private readonly poller = new Poller();
  private failing = false;

  constructor(
    private readonly rows: RouteRows,
    private readonly file: string,
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
      const snapshot = this.rows.snapshot();
      replaceFile(this.file, serializeSnapshot(snapshot), 0o640, isRoot() ? { uid: 0, gid: this.ingressGid } : undefined);
      this.published = snapshot.version;
      if (this.failing) this.log.info({ file: this.file }, 'route table published again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.log.error({ err, file: this.file }, 'cannot publish the route table for the router; it keeps its last one');
      this.failing = true;
    }
  }
}
