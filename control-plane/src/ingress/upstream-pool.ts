import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { connectOwnedSocket } from '../lib/no-follow.js';
import { MAX_WAITING, Pool } from './pool.js';
import { MAX_IDLE_MS, readUpstreamInfo, type UpstreamInfo } from './upstream-info.js';
import { onConnect, SHARED_READ, type UpstreamUser } from './upstream-socket.js';

// Connections from the router to the apps' unix sockets (SocketPool; what
// it shares with the api's LinkPool is pool.ts, the connections themselves
// and their listeners upstream-socket.ts). An app server that keeps connections
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

/**
 * A kept connection to an app is closed after this many requests, so that a
 * worker now and then goes back to its accept queue: other clients of
 * app.sock (the api's health probe) are never starved by a busy router.
 */
export const MAX_USES = 100;

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
