import type net from 'node:net';

// A pooled connection to an upstream (pool.ts), and the listeners every one
// of them shares: no closures per connection — `this` is the socket, and it
// knows its pool and the user (the request) that holds it now.

/** What a connection's listeners, and the user waiting in it, see of the pool it belongs to (pool.ts). */
export interface ConnectionPool {
  readonly keepAlive: boolean;
  /** A waiting user gave up (its client left, or it timed out). */
  cancel(user: UpstreamUser): void;
  release(sock: UpstreamSocket, reusable: boolean): void;
  closeIdle(): void;
  dropIdle(sock: UpstreamSocket): void;
  closed(sock: UpstreamSocket): void;
}

/** What the pool tells the request that holds a connection. */
export interface UpstreamUser {
  /** Set by the pool while the user waits for a connection. */
  waitingIn: ConnectionPool | null;
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
  [POOL]: ConnectionPool;
  /** Requests sent on this connection so far: more than one means it was reused. */
  uses: number;
  idleSince: number;
}

/** Makes `sock` one of `pool`'s connections, held by no one yet. */
export function adoptSocket(sock: net.Socket, pool: ConnectionPool): UpstreamSocket {
  const s = sock as UpstreamSocket;
  s[POOL] = pool;
  s[USER] = null;
  s.uses = 0;
  s.idleSince = 0;
  s.on('end', onEnd);
  s.on('error', onError);
  s.on('close', onClose);
  return s;
}

/** `sock` now serves `user` (or, with null, no one: it is idle or closing). */
export function setUser(sock: UpstreamSocket, user: UpstreamUser | null): void {
  sock[USER] = user;
}

// Shared listeners (no closures per connection): `this` is the socket.
export function onConnect(this: UpstreamSocket): void {
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
export const SHARED_READ = { buffer: Buffer.allocUnsafe(64 * 1024), callback: onRead };

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
