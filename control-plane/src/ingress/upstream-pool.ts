import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { connectOwnedSocket } from '../lib/no-follow.js';
import { readUpstreamInfo, type UpstreamInfo } from './upstream-info.js';

// Connections from the router to the apps' unix sockets (SocketPool) and
// to the api (LinkPool, api-links.ts). An app server that keeps connections
// alive (uWSGI, see docs/runtime-contract.md) says so in upstream.json
// beside app.sock, with how many connections it serves at once: one per
// worker, because a sync worker waits on its kept-alive connection for the
// next request and accepts nothing else meanwhile. So the pool never opens
// more than that (requests beyond it wait here, in order, as they would in
// the socket's accept queue), reuses idle connections before anything
// else, and closes them long before the server would. With several router
// processes each keeps its share of the connections; when a share would be
// less than one, and for a socket without upstream.json (gunicorn, a
// container from an older runtime image), every request gets a new
// connection.
//
// app.sock is renamed over by every in-place reload: a connection is only
// reused while app.sock is still the same file (inode) it was opened to, so
// the first request after a reload already reaches new code.
//
// app.sock is in a folder the app's user can write: it is connected to only
// through connectOwnedSocket (never a symlink, only a socket owned by the
// app's uid), and upstream.json is read the same careful way.

export { readUpstreamInfo, type UpstreamInfo } from './upstream-info.js';

/** What the pool tells the request that holds a connection. */
export interface UpstreamUser {
  /** Set by the pool while the user waits for a connection. */
  waitingIn: Pool | null;
  /** A connection is assigned; `upstreamConnected` follows when it can be written to. */
  upstreamAssigned(sock: UpstreamSocket): void;
  upstreamConnected(): void;
  upstreamData(chunk: Buffer): void;
  upstreamEnded(): void;
  /** Also for a connection that could not be opened: ENOENT (not there), UnsafePathError (refused). */
  upstreamFailed(err: Error): void;
}

const USER = Symbol('user');
const POOL = Symbol('pool');
export interface UpstreamSocket extends net.Socket {
  [USER]: UpstreamUser | null;
  [POOL]: Pool;
  /** Requests sent on this connection so far: more than one means it was reused. */
  uses: number;
  idleSince: number;
}

/** The router's idle limit for app connections: at most a quarter of the server's, and never above a second. */
const MAX_IDLE_MS = 1000;
/**
 * A kept connection to an app is closed after this many requests, so that a
 * worker now and then goes back to its accept queue: other clients of
 * app.sock (the api's health probe) are never starved by a busy router.
 */
export const MAX_USES = 100;
/**
 * Requests waiting for one app's connections, at most: as many as its
 * socket's accept queue holds. Beyond that a request is held and retried
 * like one that finds no socket, and answered 502 when the wait runs out.
 */
export const MAX_WAITING = 1024;

/** A connection-less answer for users whose pool lost its last connection: "not there", so they retry. */
function notThere(): Error {
  return Object.assign(new Error('no connection to the upstream'), { code: 'ECONNREFUSED' });
}

/** The bookkeeping both kinds share: idle connections (LIFO), waiting users (FIFO), a count of open ones. */
export abstract class Pool {
  protected readonly idle: UpstreamSocket[] = [];
  protected readonly waiting: UpstreamUser[] = [];
  protected open = 0;
  protected retired = false;

  constructor(
    readonly info: UpstreamInfo,
    private readonly maxUses: number,
    private readonly maxWaiting: number,
  ) {}

  get keepAlive(): boolean {
    return this.info.keepAlive;
  }

  /** Empty and unused: can be forgotten. */
  get unused(): boolean {
    return this.open === 0 && this.waiting.length === 0;
  }

  /** Whether another connection may be opened now (`replacing`: an idle one turned out closed). */
  protected abstract canOpen(replacing?: boolean): boolean;
  /** Opens a connection for `user` (assigning it); failures go to user.upstreamFailed. */
  protected abstract connect(user: UpstreamUser): void;

  /** Gives `user` a connection now, or queues it until one is free; false when there is none to wait for, or the queue is full. */
  acquire(user: UpstreamUser): boolean {
    const sock = this.idle.pop();
    if (sock !== undefined && !sock.destroyed) {
      this.assign(sock, user);
      user.upstreamConnected();
    } else if (this.canOpen(sock !== undefined)) {
      this.connect(user); // (a destroyed idle socket is counted until its 'close')
    } else if (this.open > 0 && this.waiting.length < this.maxWaiting) {
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
    if (!reusable || !this.info.keepAlive || this.retired || sock.uses >= this.maxUses || sock.destroyed) {
      sock.destroy();
      return;
    }
    this.offer(sock);
  }

  /** A connection that is free: to the first user in line, or idle. */
  protected offer(sock: UpstreamSocket): void {
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

  protected assign(sock: UpstreamSocket, user: UpstreamUser): void {
    sock[USER] = user;
    sock.uses++;
    user.upstreamAssigned(sock);
  }

  /** Makes `sock` one of this pool's connections. */
  protected adopt(sock: net.Socket): UpstreamSocket {
    const s = sock as UpstreamSocket;
    this.open++;
    s[POOL] = this;
    s[USER] = null;
    s.uses = 0;
    s.idleSince = 0;
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
    return s;
  }

  closed(sock: UpstreamSocket): void {
    this.open--;
    const i = this.idle.indexOf(sock);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.waiting.length === 0) return;
    if (this.canOpen()) {
      const next = this.waiting.shift()!;
      next.waitingIn = null;
      this.connect(next);
    } else if (this.open === 0) {
      // Nothing left to wait for: they go back to retrying (and time out there).
      for (const user of this.waiting.splice(0)) {
        user.waitingIn = null;
        user.upstreamFailed(notThere());
      }
    }
  }
}

/** Connections to one app's socket, opened as they are needed. */
export class SocketPool extends Pool {
  constructor(
    readonly socketPath: string,
    /** app.sock's inode when this pool was made. */
    readonly inode: number,
    /** The app's uid: app.sock must be its socket. */
    readonly owner: number,
    info: UpstreamInfo,
    maxWaiting = MAX_WAITING,
  ) {
    super(info, MAX_USES, maxWaiting);
  }

  protected canOpen(replacing = false): boolean {
    return replacing || this.open < this.info.maxConnections;
  }

  /** app.sock now leads elsewhere: close what is idle, hand the waiting users over. */
  retire(): UpstreamUser[] {
    this.retired = true;
    this.closeIdle();
    const waiting = this.waiting.splice(0);
    for (const user of waiting) user.waitingIn = null;
    return waiting;
  }

  protected connect(user: UpstreamUser): void {
    let sock: net.Socket;
    try {
      sock = connectOwnedSocket(this.socketPath, this.owner, { onread: SHARED_READ });
    } catch (err) {
      user.upstreamFailed(err as Error); // gone since the lstat, or not the app's socket
      return;
    }
    const s = this.adopt(sock);
    s.on('connect', onConnect);
    this.assign(s, user);
  }
}

/** The pools by socket path; the one place requests get their connections to apps. */
export class UpstreamPools {
  private readonly pools = new Map<string, SocketPool>();

  /** `routerProcesses`: how many router processes share every app's connections. */
  constructor(private readonly routerProcesses = 1) {
    setInterval(() => this.sweep(), MAX_IDLE_MS / 4).unref();
  }

  /**
   * Gives `user` a connection to `socketPath`, the socket of the app run by
   * uid `owner` (now or when one is free). False when there is no socket
   * there (not started yet, or gone), or when too many requests wait for it
   * already. A socket that is not the app's own fails through
   * user.upstreamFailed with an UnsafePathError.
   */
  acquire(socketPath: string, owner: number, user: UpstreamUser): boolean {
    // lstat: a symlink has an inode of its own, so it never passes for the socket it names.
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(socketPath, { throwIfNoEntry: false });
    } catch {
      st = undefined; // a folder the router may not enter: no socket it could use (the 502 page follows)
    }
    if (st === undefined) return false;
    let pool = this.pools.get(socketPath);
    if (pool === undefined || pool.inode !== st.ino || pool.owner !== owner) {
      const old = pool;
      pool = new SocketPool(socketPath, st.ino, owner, readUpstreamInfo(path.join(path.dirname(socketPath), 'upstream.json'), owner, this.routerProcesses));
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
/** For accepted connections (no `onread` option there): the same dispatch on 'data'. */
export function onData(this: UpstreamSocket, chunk: Buffer): void {
  onRead.call(this, chunk.length, chunk);
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

/**
 * Takes a connection out of its pool for good, as a plain socket (a tunnel
 * splices it to a client): the pool's listeners let go of it and it no
 * longer counts as one of the pool's.
 */
export function detach(sock: UpstreamSocket): net.Socket {
  sock.removeListener('data', onData);
  sock.removeListener('connect', onConnect);
  sock.removeListener('end', onEnd);
  sock.removeListener('error', onError);
  sock.removeListener('close', onClose);
  sock[USER] = null;
  sock[POOL].closed(sock);
  return sock;
}
