import fs from 'node:fs';
import net from 'node:net';
import { isRoot } from '../lib/platform-dirs.js';
import { pages } from './pages.js';
import type { FailureKind, ProxyTarget } from './proxy-target.js';
import type { TunnelTarget } from './upgrade.js';
import { MAX_WAITING, Pool } from './pool.js';
import { detach, onData, type UpstreamSocket, type UpstreamUser } from './upstream-socket.js';

// How dashboard requests reach the api. The router runs as its own
// unprivileged uid and must not be able to open any socket of the
// platform's by path — not the Docker Engine's, not the api's — so that no
// symlink a user plants can ever lead it there. So the router never
// connects to the api: it listens on a socket of its own
// (ingress/links/router-<n>.sock, 0600, its uid), and the api dials in and
// serves HTTP on the connections it opened (services/ingress-links.ts),
// keeping a few idle ones ready. To the proxy they are kept-alive upstream
// connections like any other.

/** Used links idle longer than this are closed (well before the api's own keep-alive limit of 72 s). */
const LINK_IDLE_MS = 30_000;

/** The connections the api has opened to this router process. */
export class LinkPool extends Pool {
  constructor() {
    super({ keepAlive: true, maxConnections: Infinity, idleMs: LINK_IDLE_MS }, Infinity, MAX_WAITING);
  }

  protected canOpen(): boolean {
    return false; // only the api opens links
  }

  protected connect(): void {
    throw new Error('links are opened by the api');
  }

  /** A connection the api just opened. */
  accept(sock: net.Socket): void {
    sock.setNoDelay(true);
    const link = this.adopt(sock) as UpstreamSocket;
    link.on('data', onData);
    this.offer(link);
  }

  /** Links open now (busy or idle). */
  get size(): number {
    return this.open;
  }
}

export class ApiLinks {
  readonly pool = new LinkPool();
  private server: net.Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly socketPath: string,
    private readonly ingressUid: number,
  ) {}

  async listen(): Promise<void> {
    // Left behind by a router process that died; the folder is the router's own.
    fs.rmSync(this.socketPath, { force: true });
    const server = net.createServer((sock) => {
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
      this.pool.accept(sock);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: this.socketPath, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    fs.chmodSync(this.socketPath, 0o600);
    // The api connects only to a socket of the ingress uid's (also when a test runs the router as root).
    if (isRoot()) fs.lchownSync(this.socketPath, this.ingressUid, this.ingressUid);
    this.timer = setInterval(() => this.pool.sweep(Date.now()), 5000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const server = this.server;
    this.server = null;
    // The links first: a net server's close waits for every connection it accepted to end.
    const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const sock of this.sockets) sock.destroy();
    await closing;
  }
}

/** The dashboard hosts as a proxy and tunnel target: a link to the api, or the "restarting" page. */
export class ApiTarget implements ProxyTarget, TunnelTarget {
  constructor(
    private readonly links: LinkPool,
    readonly waitMs: number,
    private readonly domain: string,
  ) {}

  acquire(user: UpstreamUser): boolean {
    return this.links.acquire(user);
  }

  dial(done: (err: Error | null, sock?: net.Socket) => void): (() => void) | null {
    let link: net.Socket | null = null;
    const user: UpstreamUser = {
      waitingIn: null,
      upstreamAssigned: (sock) => (link = detach(sock)),
      upstreamConnected: () => done(null, link!),
      upstreamData: () => {},
      upstreamEnded: () => done(new Error('the link closed')),
      upstreamFailed: (err) => done(err),
    };
    if (!this.links.acquire(user)) return null;
    return () => user.waitingIn?.cancel(user);
  }

  refreshRoutes(): void {}

  refused(): void {
    // Links are connections the api opened; there is no path to refuse.
  }

  failurePage(kind: FailureKind): { status: number; html: string } {
    return kind === 'timeout' ? { status: 504, html: pages.timeout(this.domain) } : { status: 503, html: pages.dashboardDown() };
  }
}
