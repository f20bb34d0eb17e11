import type net from 'node:net';
import { isCutOff } from './upstream-retry.js';

// Request bodies are written to an upstream that may have answered already
// and closed (an early 401 or 413). A write to such a connection fails with
// EPIPE or ECONNRESET, and Node then destroys the socket at once, with the
// upstream's answer still unread in its receive buffer: the client would
// get an error page instead of that answer. On a guarded socket such a
// write error is only noted and the writes after it are dropped, so the
// connection stays open for reading, and its end is told by the read side
// as usual (proxy.ts).

const GUARDED = Symbol('guarded');
const CUT_OFF = Symbol('cutOff');
type GuardedSocket = net.Socket & {
  /** Absent until guardWrites first sees the socket; then whether writes to it are guarded now. */
  [GUARDED]?: boolean;
  /** The write error that cut off the body, if one did. */
  [CUT_OFF]?: Error;
};

/**
 * Guards writes to `sock` from now on until unguardWrites. Only request
 * bodies are written this way: a head goes out unguarded and costs nothing
 * extra. (Node's Writable hands every write of a socket to its `_write`, or
 * `_writev` for several at once; wrapping them on this one socket is the
 * only way to see a write error before Node destroys the socket for it.)
 */
export function guardWrites(sock: GuardedSocket): void {
  if (sock[GUARDED] === undefined) {
    const write = sock._write;
    const writev = sock._writev;
    sock._write = function (this: GuardedSocket, chunk, encoding, callback) {
      if (!this[GUARDED]) return write.call(this, chunk, encoding, callback);
      if (this[CUT_OFF] !== undefined) return callback();
      write.call(this, chunk, encoding, (err) => callback(noteCutOff(this, err)));
    };
    if (writev !== undefined) {
      sock._writev = function (this: GuardedSocket, chunks, callback) {
        if (!this[GUARDED]) return writev.call(this, chunks, callback);
        if (this[CUT_OFF] !== undefined) return callback();
        writev.call(this, chunks, (err) => callback(noteCutOff(this, err)));
      };
    }
  }
  sock[GUARDED] = true;
}

function noteCutOff(sock: GuardedSocket, err: Error | null | undefined): Error | null | undefined {
  if (err == null || !isCutOff(err)) return err;
  sock[CUT_OFF] = err;
  return null;
}

/** Ends guarding; whether no write was cut off (the connection could still be reused). */
export function unguardWrites(sock: GuardedSocket): boolean {
  if (sock[GUARDED] === undefined) return true;
  sock[GUARDED] = false;
  return sock[CUT_OFF] === undefined;
}

/** The error that cut off a guarded write to `sock`, if any. */
export function cutOffWrite(sock: GuardedSocket): Error | undefined {
  return sock[CUT_OFF];
}
