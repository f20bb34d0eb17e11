import type { IncomingMessage } from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { isUnsafePath, type UnsafePathError } from '../lib/no-follow.js';
import { upstreamHead, type RequestFacts } from './request-facts.js';
import type { CookieScreen } from './upstream-response.js';
import { isNotThere, retryDelay, WAKE_RETRY_MS } from './upstream-retry.js';

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
  /** Held for an app waking from sleep (ProxyTarget.waking). */
  waking?(): boolean;
  /** The socket there is not the target's own. */
  refused(err: UnsafePathError): void;
  /** An app's answer to the upgrade (its 101 or a refusal) may set only its own cookies, as any response. */
  readonly cookies?: CookieScreen;
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
      splice(client, upstream, target.cookies ?? null, done);
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
    const delay = target.waking?.() ? WAKE_RETRY_MS : retryDelay(attempts++);
    if (Date.now() + delay > deadline) return unreachable();
    setTimeout(attempt, delay);
  };
  const unreachable = (): void => {
    onUnreachable();
    done({ status: 502, bytes: 0 });
  };
  attempt();
}

/** Longest response head from an app that the tunnel looks into. */
const MAX_HEAD_BYTES = 64 * 1024;

function splice(client: Duplex, upstream: net.Socket, cookies: CookieScreen | null, done: (result: TunnelResult) => void): void {
  let status = 0;
  let bytes = 0;
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
  upstream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  // The app's answer head first, screened like any response's; then bytes both ways, untouched.
  let head = Buffer.alloc(0);
  const onHead = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0 && head.length < MAX_HEAD_BYTES) return;
    upstream.off('data', onHead);
    upstream.pause();
    const text = head.toString('latin1', 0, end < 0 ? head.length : end);
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
    if (m) status = Number(m[1]);
    if (end < 0) return close(); // no end of head within the limit: not an answer to pass on
    client.write(screenHead(text, cookies), 'latin1');
    client.write(head.subarray(end));
    upstream.pipe(client);
    upstream.resume();
  };
  upstream.on('data', onHead);
  client.pipe(upstream);
}

/** The head with the Set-Cookie lines the app may not send left out. */
function screenHead(head: string, cookies: CookieScreen | null): string {
  if (cookies === null || !/\r\nset-cookie:/i.test(head)) return head;
  return head
    .split('\r\n')
    .filter((line, i) => i === 0 || !/^set-cookie:/i.test(line) || cookies.keepsCookie(line.slice(line.indexOf(':') + 1).trim()))
    .join('\r\n');
}
