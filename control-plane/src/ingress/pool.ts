import type net from 'node:net';
import type { UpstreamInfo } from './upstream-info.js';
import { adoptSocket, setUser, type ConnectionPool, type UpstreamSocket, type UpstreamUser } from './upstream-socket.js';

// The bookkeeping the router's two kinds of upstream connections share:
// to the apps' sockets (SocketPool, upstream-pool.ts) and from the api
// (LinkPool, api-links.ts).

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
export abstract class Pool implements ConnectionPool {
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
    setUser(sock, null);
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
    setUser(sock, user);
    sock.uses++;
    user.upstreamAssigned(sock);
  }

  /** Makes `sock` one of this pool's connections. */
  protected adopt(sock: net.Socket): UpstreamSocket {
    this.open++;
    return adoptSocket(sock, this);
  }

  closed(sock: UpstreamSocket): void {
    this.open--;
    const i = this.idle.indexOf(sock);
    if (i >= 0) this.idle.splice(i, 1);
    // The freed place goes to the next user in line. A connect that fails at
    // once (app.sock is gone: a replaced container's gateway unlinked it
    // while requests still waited here for the old server) opens nothing, so
    // no 'close' follows to pass the place on: the next one tries at once,
    // or every one behind it would wait here until the silence limit.
    while (this.waiting.length > 0 && this.canOpen()) {
      const next = this.waiting.shift()!;
      next.waitingIn = null;
      this.connect(next);
    }
    if (this.open === 0) {
      // Nothing left to wait for: they go back to retrying (and time out there).
      for (const user of this.waiting.splice(0)) {
        user.waitingIn = null;
        user.upstreamFailed(notThere());
      }
    }
  }
}
