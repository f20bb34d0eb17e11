import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// Connections to the apps' (and the api's) unix sockets. An app server that
// keeps connections alive (uWSGI, see docs/runtime-contract.md) says so in
// upstream.json beside app.sock, with how many connections it serves at
// once: one per worker, because a sync worker waits on its kept-alive
// connection for the next request and accepts nothing else meanwhile. So
// the pool never opens more than that (requests beyond it wait here, in
// order, as they would in the socket's accept queue), reuses idle
// connections before anything else, and closes them long before the server
// would. With several router processes each keeps its share of the
// connections; when a share would be less than one, and for a socket without
// upstream.json (gunicorn, the api, a container from an older runtime
// image), every request gets a new connection.
//
// app.sock is renamed over by every in-place reload: a connection is only
// reused while app.sock is still the same file (inode) it was opened to, so
// the first request after a reload already reaches the new code.

/** What the pool tells the request that holds a connection. */
export interface UpstreamUser {
  /** Set by the pool while the user waits for a connection. */
  waitingIn: UpstreamPool | null;
  /** A connection is assigned; `upstreamConnected` follows when it can be written to. */
  upstreamAssigned(sock: UpstreamSocket): void;
  upstreamConnected(): void;
  upstreamData(chunk: Buffer): void;
  upstreamEnded(): void;
  upstreamFailed(err: Error): void;
}

const USER = Symbol('user');
const POOL = Symbol('pool');
export interface UpstreamSocket extends net.Socket {
  [USER]: UpstreamUser | null;
  [POOL]: UpstreamPool;
  /** Requests sent on this connection so far: more than one means it was reused. */
  uses: number;
  idleSince: number;
}

interface UpstreamInfo {
  readonly keepAlive: boolean;
  readonly maxConnections: number;
  /** How long the router keeps an unused connection. */
  readonly idleMs: number;
}

const CONNECTION_PER_REQUEST: UpstreamInfo = { keepAlive: false, maxConnections: Infinity, idleMs: 0 };
/** The router's idle limit: at most a quarter of the server's, and never above a second. */
const MAX_IDLE_MS = 1000;
/**
 * A kept connection is closed after this many requests, so that a worker now
 * and then goes back to its accept queue: other clients of app.sock (the
 * api's health probe) are never starved by a busy router.
 */
export const MAX_USES = 100;
/**
 * Requests waiting for one app's connections, at most: as many as its
 * socket's accept queue holds. Beyond that a request is held and retried
 * like one that finds no socket, and answered 502 when the wait runs out.
 */
export const MAX_WAITING = 1024;
/** upstream.json cannot ask for more than this (the api allows 1–16 workers). */
const MAX_CONNECTIONS = 64;

export class UpstreamPool {
  private readonly idle: UpstreamSocket[] = [];
  private readonly waiting: UpstreamUser[] = [];
  private open = 0;
  private retired = false;

  constructor(
    readonly socketPath: string,
    /** app.sock's inode when this pool was made. */
    readonly inode: number,
    readonly info: UpstreamInfo,
    private readonly maxWaiting = MAX_WAITING,
  ) {}

  get keepAlive(): boolean {
    return this.info.keepAlive;
  }

  /** Empty and unused: can be forgotten. */
  get unused(): boolean {
    return this.open === 0 && this.waiting.length === 0;
  }

  /** Gives `user` a connection now, or queues it until one is free; false when the queue is full. */
  acquire(user: UpstreamUser): boolean {
    const sock = this.idle.pop();
    if (sock !== undefined && !sock.destroyed) {
      this.assign(sock, user);
      user.upstreamConnected();
    } else if (this.open < this.info.maxConnections || sock !== undefined) {
      this.connect(user); // (a destroyed idle socket is counted until its 'close')
    } else if (this.waiting.length < this.maxWaiting) {
      user.waitingIn = this;
      this.waiting.push(user);
    } else {
      return false;
    }
    return true;
  }

  /** A waiting user gave up (its client left, or it timed out). */
  cancel(user: UpstreamUser): void {
    const i = this.waiting.indexOf(user);
    if (i >= 0) this.waiting.splice(i, 1);
    user.waitingIn = null;
  }

  /**
   * The user is done with `sock`. `reusable`: the response ended cleanly on
   * a connection both sides keep; otherwise it is closed.
   */
  release(sock: UpstreamSocket, reusable: boolean): void {
    sock[USER] = null;
    if (!reusable || !this.info.keepAlive || this.retired || sock.uses >= MAX_USES || sock.destroyed) {
      sock.destroy();
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) {
      next.waitingIn = null;
      this.assign(sock, next);
      next.upstreamConnected();
      return;
    }
    sock.idleSince = Date.now();
    this.idle.push(sock);
  }

  /** Closes the idle connections (the server behind them may be going away). */
  closeIdle(): void {
    for (const sock of this.idle.splice(0)) sock.destroy();
  }

  /** app.sock now leads elsewhere: close what is idle, hand the waiting users over. */
  retire(): UpstreamUser[] {
    this.retired = true;
    this.closeIdle();
    const waiting = this.waiting.splice(0);
    for (const user of waiting) user.waitingIn = null;
    return waiting;
  }

  /** An idle connection the server closed, or wrote to: it is not used again. */
  dropIdle(sock: UpstreamSocket): void {
    const i = this.idle.indexOf(sock);
    if (i >= 0) this.idle.splice(i, 1);
    sock.destroy();
  }

  /** Closes connections unused for longer than the idle limit. */
  sweep(now: number): void {
    while (this.idle.length > 0 && now - this.idle[0]!.idleSince > this.info.idleMs) this.idle.shift()!.destroy();
  }

  private assign(sock: UpstreamSocket, user: UpstreamUser): void {
    sock[USER] = user;
    sock.uses++;
    user.upstreamAssigned(sock);
  }

  private connect(user: UpstreamUser): void {
    this.open++;
    const sock = net.createConnection({ path: this.socketPath, onread: SHARED_READ }) as UpstreamSocket;
    sock[POOL] = this;
    sock.uses = 0;
    sock.idleSince = 0;
    sock.on('connect', onConnect);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('close', onClose);
    this.assign(sock, user);
  }

  closed(sock: UpstreamSocket): void {
    this.open--;
    const i = this.idle.indexOf(sock);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.waiting.length > 0 && this.open < this.info.maxConnections) {
      const next = this.waiting.shift()!;
      next.waitingIn = null;
      this.connect(next);
    }
  }
}

/** The pools by socket path; the one place requests get their connections. */
export class UpstreamPools {
  private readonly pools = new Map<string, UpstreamPool>();

  /** `routerProcesses`: how many router processes share every app's connections. */
  constructor(private readonly routerProcesses = 1) {
    setInterval(() => this.sweep(), MAX_IDLE_MS / 4).unref();
  }

  /**
   * Gives `user` a connection to `socketPath` (now or when one is free).
   * False when there is no socket there (not started yet, or gone), or when
   * too many requests wait for it already.
   */
  acquire(socketPath: string, user: UpstreamUser): boolean {
    const st = fs.statSync(socketPath, { throwIfNoEntry: false });
    if (st === undefined) return false;
    let pool = this.pools.get(socketPath);
    if (pool === undefined || pool.inode !== st.ino) {
      const old = pool;
      pool = new UpstreamPool(socketPath, st.ino, readUpstreamInfo(socketPath, this.routerProcesses));
      this.pools.set(socketPath, pool);
      if (old !== undefined) for (const waiting of old.retire()) pool.acquire(waiting);
    }
    return pool.acquire(user);
  }

  /** Before a tunnel (WebSocket) to an app: its workers should not be held by idle connections. */
  closeIdle(socketPath: string): void {
    this.pools.get(socketPath)?.closeIdle();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socketPath, pool] of this.pools) {
      pool.sweep(now);
      if (pool.unused) this.pools.delete(socketPath);
    }
  }
}

/** upstream.json beside the socket; anything missing or odd means one connection per request. */
export function readUpstreamInfo(socketPath: string, routerProcesses = 1): UpstreamInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(path.dirname(socketPath), 'upstream.json'), 'utf8'));
  } catch {
    return CONNECTION_PER_REQUEST;
  }
  const info = raw as { keep_alive?: unknown; max_connections?: unknown; idle_timeout_s?: unknown };
  const max = info.max_connections;
  const idle = info.idle_timeout_s;
  if (info.keep_alive !== true || typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_CONNECTIONS) return CONNECTION_PER_REQUEST;
  if (typeof idle !== 'number' || !(idle >= 1)) return CONNECTION_PER_REQUEST;
  const share = Math.floor(max / routerProcesses);
  if (share < 1) return CONNECTION_PER_REQUEST;
  return { keepAlive: true, maxConnections: share, idleMs: Math.min(MAX_IDLE_MS, (idle * 1000) / 4) };
}

// Shared listeners (no closures per connection): `this` is the socket.
function onConnect(this: UpstreamSocket): void {
  this[USER]?.upstreamConnected();
}
function onRead(this: UpstreamSocket, nread: number, buffer: Buffer): boolean {
  const user = this[USER];
  if (user !== null) user.upstreamData(buffer.subarray(0, nread));
  else this[POOL].dropIdle(this); // bytes on an idle connection: whatever it is, it is not reusable
  return true; // backpressure pauses the socket explicitly
}
function onEnd(this: UpstreamSocket): void {
  const user = this[USER];
  if (user !== null) user.upstreamEnded();
  else this[POOL].dropIdle(this);
}
function onError(this: UpstreamSocket, err: Error): void {
  const user = this[USER];
  if (user !== null) user.upstreamFailed(err);
  else this[POOL].dropIdle(this);
}
function onClose(this: UpstreamSocket): void {
  this[POOL].closed(this);
}

/** Every upstream socket reads into this one buffer: each read is handled before the next can happen. */
const SHARED_READ = { buffer: Buffer.allocUnsafe(64 * 1024), callback: onRead };

/** Whether requests on this connection keep it open (no `Connection: close` to send). */
export function keepsAlive(sock: UpstreamSocket): boolean {
  return sock[POOL].keepAlive;
}

/** The user is done with `sock`: back to its pool when `reusable`, closed otherwise. */
export function release(sock: UpstreamSocket, reusable: boolean): void {
  sock[POOL].release(sock, reusable);
}

/** Closes the idle connections kept beside this one. */
export function closeIdleBeside(sock: UpstreamSocket): void {
  sock[POOL].closeIdle();
}

/** Takes a connection out of the user's hands for good (errors, timeouts, a client that left). */
export function discard(sock: UpstreamSocket): void {
  sock[USER] = null;
  sock.destroy();
}
