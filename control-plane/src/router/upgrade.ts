import type { IncomingMessage } from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { isUnsafePath, type UnsafePathError } from '../lib/no-follow.js';
import { upstreamHead, type RequestFacts } from './request-facts.js';
import { isNotThere, retryDelay } from './upstream-retry.js';

// WebSocket (and any other Upgrade) requests: after the same routing and
// password checks as any request, the head goes to the app's socket (or
// over a link to the api) and the two connections are then spliced
// together byte for byte; the app's 101 (or its refusal) travels back
// unchanged.

export interface TunnelTarget {
  /**
   * Opens a connection for the tunnel and hands it to `done` (or the error).
   * Null while there is nothing to connect to yet; otherwise a function
   * that gives up the attempt.
   */
  dial(done: (err: Error | null, sock?: net.Socket) => void): (() => void) | null;
  readonly waitMs: number;
  refreshRoutes(): void;
  /** The socket there is not the target's own. */
  refused(err: UnsafePathError): void;
}

export interface TunnelResult {
  /** The app's status code (101 when it accepted), 502 when it could not be reached, 499 when the client left first. */
  readonly status: number;
  /** Bytes from the app to the client. */
  readonly bytes: number;
}

export function tunnel(req: IncomingMessage, client: Duplex, head: Buffer, facts: RequestFacts, target: TunnelTarget, onUnreachable: () => void, done: (result: TunnelResult) => void): void {
  const requestHead = upstreamHead(req, facts, '', 'upgrade');
  const deadline = Date.now() + target.waitMs;
  let attempts = 0;
  let clientGone = false;
  client.once('close', () => (clientGone = true));
  client.on('error', () => client.destroy());

  const attempt = (): void => {
    if (clientGone) return done({ status: 499, bytes: 0 });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const cancel = target.dial((err, upstream) => {
      if (settled) {
        upstream?.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err || !upstream) {
        if (isUnsafePath(err)) {
          target.refused(err);
          unreachable();
        } else if (isNotThere(err)) {
          target.refreshRoutes();
          later();
        } else {
          unreachable();
        }
        return;
      }
      if (clientGone) {
        upstream.destroy();
        return done({ status: 499, bytes: 0 });
      }
      upstream.write(requestHead, 'latin1');
      if (head.length > 0) upstream.write(head);
      splice(client, upstream, done);
    });
    if (cancel === null) return later();
    if (!settled) {
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        cancel();
        unreachable();
      }, Math.max(0, deadline - Date.now()));
    }
  };
  const later = (): void => {
    const delay = retryDelay(attempts++);
    if (Date.now() + delay > deadline) return unreachable();
    setTimeout(attempt, delay);
  };
  const unreachable = (): void => {
    onUnreachable();
    done({ status: 502, bytes: 0 });
  };
  attempt();
}

function splice(client: Duplex, upstream: net.Socket, done: (result: TunnelResult) => void): void {
  let status = 0;
  let bytes = 0;
  let statusLine = '';
  upstream.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (status === 0 && statusLine.length < 64) {
      statusLine += chunk.toString('latin1', 0, Math.min(chunk.length, 64));
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (m) status = Number(m[1]);
    }
  });
  upstream.pipe(client);
  client.pipe(upstream);
  let ended = false;
  const close = (): void => {
    if (ended) return;
    ended = true;
    upstream.destroy();
    client.destroy();
    done({ status: status || 502, bytes });
  };
  upstream.on('close', close);
  upstream.on('error', close);
  client.on('close', close);
}
