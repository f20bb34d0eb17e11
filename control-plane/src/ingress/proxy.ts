import type { IncomingMessage, ServerResponse } from 'node:http';
import { cutOffWrite, guardWrites, unguardWrites } from './cut-off-writes.js';
import { pages, sendPage } from './pages.js';
import { upstreamHead, type RequestFacts } from './request-facts.js';
import { MalformedResponse, ResponseParser, type CookieScreen, type ResponseHead, type ResponseSink } from './upstream-response.js';
import { isUnsafePath, type UnsafePathError } from '../lib/no-follow.js';
import { closeIdleBeside, discard, keepsAlive, release, type Pool, type UpstreamSocket, type UpstreamUser } from './upstream-pool.js';
import { isCutOff, isNotThere, MAX_RESENDS, retryDelay } from './upstream-retry.js';

// Forwards one request to an app's (or the api's) unix socket and its
// response back. Built for the hot path: one object per request, no
// closures (the pool's shared socket listeners call the exchange that holds
// the connection), a kept-alive connection reused when the app's server
// keeps them (upstream-pool.ts), the request head written as one latin1
// string, and responses re-framed through Node's ServerResponse so an app
// can never desync a client connection.
//
// An upstream may answer before it has read the request's body (a 401 or
// 413 from the api, an app's early refusal) and close. The answer is what
// the client gets: writing the rest of the body then fails (EPIPE,
// ECONNRESET), and that failure is only noted (cut-off-writes.ts), so that
// the answer already on the connection is still read.

export interface ProxyContext {
  readonly waitMs: number;
  readonly timeoutMs: number;
  /** Asks the route loader to look at the store now (a socket went missing). */
  refreshRoutes(): void;
}

export type FailureKind = 'unreachable' | 'timeout' | 'refused';

export interface ProxyTarget {
  /**
   * Asks for a connection for `user`, found again on every attempt: true
   * when it has one or waits in line for one (the pool calls back), false
   * while there is nothing to connect to (an app starting, the api
   * restarting).
   */
  acquire(user: UpstreamUser): boolean;
  /** What to answer when the target stays unreachable, does not answer in time, or is refused. */
  failurePage(kind: FailureKind): { status: number; html: string };
  /** The socket there is not the target's own (a symlink, another uid's): tell whoever must know. */
  refused(err: UnsafePathError): void;
  /** Which Set-Cookie headers of the target's responses reach the client; all of them without. */
  readonly cookies?: CookieScreen;
}

/** Called once per request with what the client got (status 499: it left first). */
export type ProxyDone = (status: number, bytes: number) => void;

/** Chunked request bodies are collected (uWSGI cannot read chunked input) up to this size. */
const MAX_CHUNKED_BODY = 16 * 1024 * 1024;

const EXCHANGE = Symbol('exchange');
type ClientResponse = ServerResponse & { [EXCHANGE]?: Exchange };

export function proxyRequest(req: IncomingMessage, res: ServerResponse, facts: RequestFacts, target: ProxyTarget, ctx: ProxyContext, done: ProxyDone): void {
  const exchange = new Exchange(req, res as ClientResponse, facts, target, ctx, done);
  if (facts.chunked) exchange.collectBody();
  else exchange.begin(facts.contentLength !== undefined && facts.contentLength !== '0');
}

class Exchange implements ResponseSink, UpstreamUser {
  waitingIn: Pool | null = null;
  private upstream: UpstreamSocket | null = null;
  private parser: ResponseParser;
  /** The body's framing header line for the app ('' without a body). */
  private framing = '';
  /** The request head for the app, made once per connection kind. */
  private head = '';
  private headKeepsAlive = false;
  private body: Buffer | null = null;
  /** The request body is streamed from the client, so it cannot be sent twice. */
  private streamed = false;
  private deadline = 0;
  private attempts = 0;
  private resends = 0;
  private connected = false;
  private finished = false;
  private status = 0;
  private bytes = 0;
  private lastActivity = 0;
  /** A body chunk not yet written (see onBody). */
  private held: Buffer | null = null;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ClientResponse,
    private readonly facts: RequestFacts,
    private readonly target: ProxyTarget,
    private readonly ctx: ProxyContext,
    private readonly done: ProxyDone,
  ) {
    this.parser = new ResponseParser(this, req.method === 'HEAD', target.cookies ?? null);
    res[EXCHANGE] = this;
    res.once('close', onClientClose);
  }

  collectBody(): void {
    const chunks: Buffer[] = [];
    let size = 0;
    this.req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CHUNKED_BODY) {
        this.req.removeAllListeners('data');
        this.req.resume();
        this.fail(413, pages.tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    this.req.once('end', () => {
      if (this.finished) return;
      this.body = Buffer.concat(chunks);
      this.framing = `Content-Length: ${this.body.length}\r\n`;
      this.deadline = Date.now() + this.ctx.waitMs;
      this.attempt();
    });
  }

  begin(hasBody: boolean): void {
    this.streamed = hasBody;
    if (this.facts.contentLength !== undefined) this.framing = `Content-Length: ${this.facts.contentLength}\r\n`;
    this.deadline = Date.now() + this.ctx.waitMs;
    this.attempt();
  }

  private attempt(): void {
    if (this.finished) return;
    this.connected = false;
    this.parser = this.attempts === 0 ? this.parser : new ResponseParser(this, this.req.method === 'HEAD', this.target.cookies ?? null);
    this.attempts++;
    this.lastActivity = Date.now();
    // Watched while waiting for a connection too: a queue behind a stuck app is the app's silence.
    silenceWatch.add(this);
    if (!this.target.acquire(this)) {
      silenceWatch.delete(this);
      this.ctx.refreshRoutes();
      this.retryLater(); // starting, between generations, the app went down, or a full queue
    } else if (this.waitingIn !== null) {
      this.requestHead(this.waitingIn.keepAlive); // made while waiting, so it leaves at once
    }
  }

  private requestHead(keepAlive: boolean): string {
    if (this.head === '' || this.headKeepsAlive !== keepAlive) {
      this.head = upstreamHead(this.req, this.facts, this.framing, keepAlive ? 'keep-alive' : 'close');
      this.headKeepsAlive = keepAlive;
    }
    return this.head;
  }

  // ---- UpstreamUser ---------------------------------------------------------

  upstreamAssigned(sock: UpstreamSocket): void {
    this.upstream = sock;
  }

  upstreamConnected(): void {
    this.connected = true;
    this.lastActivity = Date.now();
    const sock = this.upstream!;
    sock.write(this.requestHead(keepsAlive(sock)), 'latin1');
    const body = this.body !== null && this.body.length > 0 ? this.body : null;
    if (body === null && !this.streamed) return;
    guardWrites(sock);
    if (body !== null) sock.write(body);
    if (this.streamed) {
      this.req.pipe(sock, { end: false });
      // A long upload is activity too: the app is not silent while it reads.
      this.req.on('data', () => (this.lastActivity = Date.now()));
    }
  }

  /** For the silence watch: whether the app has said nothing for too long. */
  silentSince(now: number): boolean {
    return now - this.lastActivity > this.ctx.timeoutMs;
  }

  upstreamData(chunk: Buffer): void {
    this.lastActivity = Date.now();
    try {
      this.parser.feed(chunk);
    } catch {
      this.broken();
      return;
    }
    if (this.held !== null) {
      const chunk = this.held;
      this.held = null;
      this.write(chunk);
    }
  }

  upstreamEnded(): void {
    if (this.finished) {
      this.dropUpstream();
      return;
    }
    if (this.mayResend(this.upstream === null ? undefined : cutOffWrite(this.upstream))) {
      this.resend(); // a kept connection the server closed just as it was reused
      return;
    }
    try {
      this.parser.finish(); // a body that runs until close ends here
    } catch {
      this.broken();
      return;
    }
    this.dropUpstream();
  }

  upstreamFailed(err: Error): void {
    if (this.finished) {
      this.dropUpstream();
      return;
    }
    if (isUnsafePath(err)) {
      // Not the app's own socket: refused at once, never retried.
      this.dropUpstream();
      this.target.refused(err);
      const page = this.target.failurePage('refused');
      this.fail(page.status, page.html);
    } else if (!this.connected && isNotThere(err)) {
      this.dropUpstream();
      this.ctx.refreshRoutes();
      this.retryLater();
    } else if (this.mayResend(err)) {
      this.resend();
    } else {
      this.giveUp('unreachable');
    }
  }

  upstreamTimedOut(): void {
    if (!this.finished) this.giveUp('timeout');
  }

  clientClosed(): void {
    if (this.finished) return;
    // The client left before the whole response was written (499, as nginx logs it), or the
    // router refused the rest of its request (the clientError handler set the status).
    this.dropUpstream();
    this.finish(this.res.headersSent ? this.status : this.res.statusCode !== 200 ? this.res.statusCode : 499);
  }

  /**
   * Whether the request may be sent again after its connection ended or
   * failed before any answer: nothing streamed (it can be sent whole), and
   * either the connection was a reused one the server had closed, or it was
   * accepted and then dropped (an old server going away) — either way the
   * app's code never saw the request.
   */
  private mayResend(err?: Error): boolean {
    if (this.parser.headReceived || this.streamed || this.resends >= MAX_RESENDS || Date.now() >= this.deadline) return false;
    const reused = this.upstream !== null && this.upstream.uses > 1;
    return reused || (err !== undefined && isCutOff(err));
  }

  private resend(): void {
    this.resends++;
    // The others kept beside it are likely just as stale (the server is going away).
    if (this.upstream !== null) closeIdleBeside(this.upstream);
    this.dropUpstream();
    this.ctx.refreshRoutes();
    this.attempt();
  }

  // ---- ResponseSink ---------------------------------------------------------

  onHead(head: ResponseHead): void {
    if (this.finished) return;
    this.status = head.status;
    try {
      this.res.writeHead(head.status, head.reason, head.headers);
    } catch {
      throw new MalformedResponse('the app sent a header value Node refuses to forward');
    }
  }

  onBody(view: Buffer): void {
    this.bytes += view.length;
    // Held back until the end of this read: most responses end in the same
    // read, and then head and body leave in one res.end() (one write). A copy:
    // the view is into the shared read buffer, which the next read reuses.
    if (this.held !== null) this.write(this.held);
    this.held = Buffer.from(view);
  }

  onMessageEnd(): void {
    const last = this.held;
    this.held = null;
    // The connection first: the app's worker idles until the next request in
    // line is written to it, so that is done before the client gets its answer.
    this.releaseUpstream();
    if (last !== null) this.res.end(last);
    else this.res.end();
    this.finish(this.status);
  }

  private write(chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      this.upstream!.pause();
      this.res.once('drain', onClientDrain);
    }
  }

  resumeUpstream(): void {
    this.upstream?.resume();
  }

  // ---- endings ----------------------------------------------------------------

  private retryLater(): void {
    const delay = retryDelay(this.attempts);
    if (Date.now() + delay > this.deadline) {
      const page = this.target.failurePage('unreachable');
      this.fail(page.status, page.html);
      return;
    }
    this.attempts++;
    setTimeout(() => this.attempt(), delay);
  }

  private broken(): void {
    if (this.finished) this.dropUpstream();
    else this.giveUp('unreachable');
  }

  /** No (more of an) answer from the app: a failure page while none of it went out, otherwise the client connection is cut. */
  private giveUp(kind: FailureKind): void {
    this.dropUpstream();
    if (this.res.headersSent) {
      this.abort(this.status);
      return;
    }
    const page = this.target.failurePage(kind);
    this.fail(page.status, page.html);
  }

  private fail(status: number, html: string): void {
    if (this.finished) return;
    this.dropUpstream();
    if (this.res.headersSent || this.res.destroyed) {
      this.abort(status);
      return;
    }
    this.finish(status, sendPage(this.res, status, html));
  }

  private abort(status: number): void {
    this.res.destroy();
    this.finish(status);
  }

  private finish(status: number, bytes = this.bytes): void {
    if (this.finished) return;
    this.finished = true;
    this.res[EXCHANGE] = undefined;
    this.done(status, bytes);
  }

  /** The app's response ended: the connection goes back to its pool (or is closed). */
  private releaseUpstream(): void {
    const sock = this.upstream;
    if (sock === null) return;
    silenceWatch.delete(this);
    this.upstream = null;
    // A body the app answered before it was all sent would run into the next request.
    const bodySent = !this.streamed || this.req.complete;
    this.stopBody(sock);
    const writesIntact = unguardWrites(sock);
    sock.resume(); // paused for a slow client in this very read
    release(sock, this.parser.reusable && bodySent && writesIntact);
  }

  /** Gives up the connection (or the place in its queue) for good. */
  private dropUpstream(): void {
    silenceWatch.delete(this);
    this.waitingIn?.cancel(this);
    const sock = this.upstream;
    if (sock === null) return;
    this.upstream = null;
    this.stopBody(sock);
    discard(sock);
  }

  /**
   * No more of the body goes to `sock`. What the client still sends of it
   * is read and dropped, as Node does for a body nobody reads: the client
   * can then finish sending, and its connection carries the next request.
   */
  private stopBody(sock: UpstreamSocket): void {
    if (!this.streamed) return;
    this.req.unpipe(sock);
    if (!this.req.complete) this.req.resume();
  }
}

/**
 * Apps that go silent (PYHOST_APP_TIMEOUT_SECONDS) are found by one sweep a
 * second over the exchanges waiting on an app, rather than by a timer per
 * socket that every read and write would re-arm.
 */
const silenceWatch = new Set<Exchange>();
setInterval(() => {
  const now = Date.now();
  for (const exchange of silenceWatch) if (exchange.silentSince(now)) exchange.upstreamTimedOut();
}, 1000).unref();
function onClientClose(this: ClientResponse): void {
  this[EXCHANGE]?.clientClosed();
}
function onClientDrain(this: ClientResponse): void {
  this[EXCHANGE]?.resumeUpstream();
}
