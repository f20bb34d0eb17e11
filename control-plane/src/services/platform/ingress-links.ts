import type http from 'node:http';
import type net from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { connectOwnedSocket } from '../../lib/no-follow.js';

// The api's side of router/api-links.ts: it dials every router process's
// link socket and serves HTTP on those connections as if they had been
// accepted on its own socket, keeping MIN_IDLE of them free per router
// process so that a dashboard request never waits for a dial. The router
// cannot reach the api any other way.

const MIN_IDLE = 4;
/** Links to one router process at most (the router queues requests beyond them). */
const MAX_LINKS = 256;
/** While a router process is not listening (not started, restarting), it is tried this often. */
const RETRY_MS = 200;

interface Target {
  readonly socketPath: string;
  readonly links: Set<net.Socket>;
  /** Links with a request in flight. */
  busy: number;
  dialing: number;
  retryAt: number;
  problem: string;
}

export class IngressLinks {
  private readonly targets: Target[];
  private readonly linkOf = new WeakMap<net.Socket, Target>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly server: http.Server,
    socketPaths: readonly string[],
    private readonly ingressUid: number,
    private readonly log: FastifyBaseLogger,
  ) {
    this.targets = socketPaths.map((socketPath) => ({ socketPath, links: new Set(), busy: 0, dialing: 0, retryAt: 0, problem: '' }));
  }

  start(): void {
    this.server.on('request', this.onRequest);
    this.server.on('upgrade', this.onUpgrade);
    this.timer = setInterval(() => this.targets.forEach((t) => this.topUp(t)), RETRY_MS);
    this.timer.unref();
    this.targets.forEach((t) => this.topUp(t));
  }

  /** Stops dialing; the links themselves close with the server. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.server.off('request', this.onRequest);
    this.server.off('upgrade', this.onUpgrade);
  }

  /** Links open to each router process (tests). */
  counts(): number[] {
    return this.targets.map((t) => t.links.size);
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const target = this.linkOf.get(req.socket);
    if (target === undefined) return;
    target.busy++;
    res.once('close', () => {
      target.busy--;
    });
    this.topUp(target);
  };

  /** A WebSocket takes its link for good: it is a tunnel now, not a link. */
  private readonly onUpgrade = (req: http.IncomingMessage): void => {
    const target = this.linkOf.get(req.socket);
    if (target === undefined) return;
    target.links.delete(req.socket);
    this.linkOf.delete(req.socket);
    this.topUp(target);
  };

  private topUp(t: Target): void {
    while (!this.stopped && Date.now() >= t.retryAt && t.links.size - t.busy + t.dialing < MIN_IDLE && t.links.size + t.dialing < MAX_LINKS) {
      this.dial(t);
    }
  }

  private dial(t: Target): void {
    let sock: net.Socket;
    try {
      // Only the ingress uid's own socket: the folder is the router's, and the api is root.
      sock = connectOwnedSocket(t.socketPath, this.ingressUid);
    } catch (err) {
      this.failed(t, err as Error);
      return;
    }
    t.dialing++;
    let connected = false;
    sock.once('connect', () => {
      connected = true;
      t.dialing--;
      if (t.problem !== '') this.log.info({ socket: t.socketPath }, 'the router is reachable again');
      t.problem = '';
      t.links.add(sock);
      this.linkOf.set(sock, t);
      sock.setNoDelay(true);
      this.server.emit('connection', sock);
    });
    sock.once('error', (err) => {
      if (connected) return; // the HTTP server handles errors on a served connection
      t.dialing--;
      sock.destroy();
      this.failed(t, err);
    });
    sock.once('close', () => {
      if (!t.links.delete(sock)) return;
      this.topUp(t);
    });
  }

  private failed(t: Target, err: Error): void {
    t.retryAt = Date.now() + RETRY_MS;
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    if (code === t.problem) return;
    t.problem = code;
    // Not listening yet is the normal state while the router starts or restarts.
    const quiet = code === 'ENOENT' || code === 'ECONNREFUSED';
    this.log[quiet ? 'debug' : 'warn']({ err, socket: t.socketPath }, 'cannot reach the router to serve the dashboard');
  }
}
