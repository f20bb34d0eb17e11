import type { IncomingMessage, ServerResponse } from 'node:http';
import { unguardWrites } from './cut-off-writes.js';
import { sendPage } from './pages.js';
import type { FailureKind, ProxyContext, ProxyDone, ProxyTarget } from './proxy-target.js';
import { silenceWatch, type WaitingOnApp } from './silence-watch.js';
import { discard, release, type ConnectionPool, type UpstreamSocket, type UpstreamUser } from './upstream-socket.js';
import { retryDelay, WAKE_RETRY_MS } from './upstream-retry.js';

// The base of proxy.ts's Exchange: what one request's exchange holds, and
// every way it ends — the answer given, a failure page, a cut connection,
// the client gone — with the upstream connection let go of accordingly.
// A base class rather than a second object, so that a request still costs
// one object (the hot path; see proxy.ts).

export const EXCHANGE = Symbol('exchange');
export type ClientResponse = ServerResponse & { [EXCHANGE]?: ExchangeEndings };

export abstract class ExchangeEndings implements UpstreamUser, WaitingOnApp {
  waitingIn: ConnectionPool | null = null;
  protected upstream: UpstreamSocket | null = null;
  /** The request body is streamed from the client, so it cannot be sent twice. */
  protected streamed = false;
  protected deadline = 0;
  protected attempts = 0;
  protected finished = false;
  protected status = 0;
  protected bytes = 0;
  protected lastActivity = 0;

  constructor(
    protected readonly req: IncomingMessage,
    protected readonly res: ClientResponse,
    protected readonly target: ProxyTarget,
    protected readonly ctx: ProxyContext,
    private readonly done: ProxyDone,
  ) {
    res[EXCHANGE] = this;
    res.once('close', onClientClose);
  }

  /** Tries (again) to reach the target. */
  protected abstract attempt(): void;
  abstract upstreamAssigned(sock: UpstreamSocket): void;
  abstract upstreamConnected(): void;
  abstract upstreamData(chunk: Buffer): void;
  abstract upstreamEnded(): void;
  abstract upstreamFailed(err: Error): void;

  /** For the silence watch: whether the app has said nothing for too long. */
  silentSince(now: number): boolean {
    return now - this.lastActivity > this.ctx.timeoutMs;
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

  resumeUpstream(): void {
    this.upstream?.resume();
  }

  protected retryLater(): void {
    const delay = this.target.waking?.() ? WAKE_RETRY_MS : retryDelay(this.attempts);
    if (Date.now() + delay > this.deadline) {
      const page = this.target.failurePage('unreachable');
      this.fail(page.status, page.html);
      return;
    }
    this.attempts++;
    setTimeout(() => this.attempt(), delay);
  }

  protected broken(): void {
    if (this.finished) this.dropUpstream();
    else this.giveUp('unreachable');
  }

  /** No (more of an) answer from the app: a failure page while none of it went out, otherwise the client connection is cut. */
  protected giveUp(kind: FailureKind): void {
    this.dropUpstream();
    if (this.res.headersSent) {
      this.abort(this.status);
      return;
    }
    const page = this.target.failurePage(kind);
    this.fail(page.status, page.html);
  }

  protected fail(status: number, html: string): void {
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

  protected finish(status: number, bytes = this.bytes): void {
    if (this.finished) return;
    this.finished = true;
    this.res[EXCHANGE] = undefined;
    this.done(status, bytes);
  }

  /**
   * The app's response ended: the connection goes back to its pool (or is
   * closed). `answerReusable`: the response left the connection fit for another.
   */
  protected releaseUpstream(answerReusable: boolean): void {
    const sock = this.upstream;
    if (sock === null) return;
    silenceWatch.delete(this);
    this.upstream = null;
    // A body the app answered before it was all sent would run into the next request.
    const bodySent = !this.streamed || this.req.complete;
    this.stopBody(sock);
    const writesIntact = unguardWrites(sock);
    sock.resume(); // paused for a slow client in this very read
    release(sock, answerReusable && bodySent && writesIntact);
  }

  /** Gives up the connection (or the place in its queue) for good. */
  protected dropUpstream(): void {
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

function onClientClose(this: ClientResponse): void {
  this[EXCHANGE]?.clientClosed();
}
