import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectChunkedBody, type ChunkedBodyUser } from './chunked-body.js';
import { cutOffWrite, guardWrites } from './cut-off-writes.js';
import { EXCHANGE, ExchangeEndings, type ClientResponse } from './exchange-endings.js';
import { pages } from './pages.js';
import type { ProxyContext, ProxyDone, ProxyTarget } from './proxy-target.js';
import { upstreamHead, type RequestFacts } from './request-facts.js';
import { silenceWatch } from './silence-watch.js';
import { MalformedResponse, ResponseParser, type ResponseHead, type ResponseSink } from './upstream-response.js';
import { isUnsafePath } from '../lib/no-follow.js';
import { closeIdleBeside, keepsAlive, type UpstreamSocket } from './upstream-socket.js';
import { isCutOff, isNotThere, MAX_RESENDS } from './upstream-retry.js';

// Forwards one request to an app's (or the api's) unix socket and its
// response back. Built for the hot path: one object per request, no
// closures (the pool's shared socket listeners call the exchange that holds
// the connection), a kept-alive connection reused when the app's server
// keeps them (upstream-pool.ts), the request head written as one latin1
// string, and responses re-framed through Node's ServerResponse so an app
// can never desync a client connection. How an exchange ends, and lets go
// of its connection, is exchange-endings.ts.
//
// An upstream may answer before it has read the request's body (a 401 or
// 413 from the api, an app's early refusal) and close. The answer is what
// the client gets: writing the rest of the body then fails (EPIPE,
// ECONNRESET), and that failure is only noted (cut-off-writes.ts), so that
// the answer already on the connection is still read.

export function proxyRequest(req: IncomingMessage, res: ServerResponse, facts: RequestFacts, target: ProxyTarget, ctx: ProxyContext, done: ProxyDone): void {
  const exchange = new Exchange(req, res as ClientResponse, facts, target, ctx, done);
  if (facts.chunked) collectChunkedBody(req, exchange);
  else exchange.begin(facts.contentLength !== undefined && facts.contentLength !== '0');
}

class Exchange extends ExchangeEndings implements ResponseSink, ChunkedBodyUser {
  private parser: ResponseParser;
  /** The body's framing header line for the app ('' without a body). */
  private framing = '';
  /** The request head for the app, made once per connection kind. */
  private head = '';
  private headKeepsAlive = false;
  private body: Buffer | null = null;
  private resends = 0;
  private connected = false;
  /** A body chunk not yet written (see onBody). */
  private held: Buffer | null = null;

  constructor(
    req: IncomingMessage,
    res: ClientResponse,
    private readonly facts: RequestFacts,
    target: ProxyTarget,
    ctx: ProxyContext,
    done: ProxyDone,
  ) {
    super(req, res, target, ctx, done);
    this.parser = new ResponseParser(this, req.method === 'HEAD', target.cookies ?? null);
  }

  bodyCollected(chunks: Buffer[]): void {
    if (this.finished) return;
    this.body = Buffer.concat(chunks);
    this.framing = `Content-Length: ${this.body.length}\r\n`;
    this.deadline = Date.now() + this.ctx.waitMs;
    this.attempt();
  }

  bodyTooLarge(): void {
    this.fail(413, pages.tooLarge());
  }

  begin(hasBody: boolean): void {
    this.streamed = hasBody;
    if (this.facts.contentLength !== undefined) this.framing = `Content-Length: ${this.facts.contentLength}\r\n`;
    this.deadline = Date.now() + this.ctx.waitMs;
    this.attempt();
  }

  protected override attempt(): void {
    if (this.finished) return;
    this.connected = false;
    this.parser = this.attempts === 0 ? this.parser : new ResponseParser(this, this.req.method === 'HEAD', this.target.cookies ?? null);
    this.attempts++;
    this.lastActivity = Date.now();
    if (this.target.down?.()) {
      const page = this.target.failurePage('unreachable');
      this.fail(page.status, page.html);
      return;
    }
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

  override upstreamAssigned(sock: UpstreamSocket): void {
    this.upstream = sock;
  }

  override upstreamConnected(): void {
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

  override upstreamData(chunk: Buffer): void {
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

  override upstreamEnded(): void {
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

  override upstreamFailed(err: Error): void {
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
    this.releaseUpstream(this.parser.reusable);
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
}

function onClientDrain(this: ClientResponse): void {
  this[EXCHANGE]?.resumeUpstream();
}
