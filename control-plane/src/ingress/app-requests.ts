import type { IncomingMessage, ServerResponse } from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { AccessLogs } from './access-log.js';
import { BasicAuth, type AuthResult } from './basic-auth.js';
import { cookieMayPass } from './cookie-domains.js';
import { normalizeHost } from './host.js';
import { DNS_RETRY_SECONDS, pages, rawResponse, sendPage } from './pages.js';
import { connectOwnedSocket, type UnsafePathError } from '../lib/no-follow.js';
import { proxyRequest } from './proxy.js';
import type { FailureKind, ProxyContext, ProxyTarget } from './proxy-target.js';
import type { Refusals } from './refusals.js';
import type { RequestFacts } from './request-facts.js';
import type { AppRoute, RouteTable } from './route-table.js';
import { findStaticMapping, serveStatic } from './static-files.js';
import { tunnel, type TunnelTarget } from './upgrade.js';
import type { UpstreamPools } from './upstream-pool.js';
import type { UpstreamUser } from './upstream-socket.js';
import type { CookieScreen } from './upstream-response.js';

// A request for a web app: disabled? force HTTPS? password? a static file?
// Otherwise it goes to the app's socket, and the app's answer comes back
// without the cookies it may not set. Every answer lands in the app's
// access log.

/** What the api learns of each app's requests (router-activity.ts). */
export interface AppActivity {
  /** A request for the route (its key: webappId): its idle time starts again. */
  request(key: number): void;
  /** A request is held for the sleeping route: ask for it to wake. */
  wake(key: number): void;
}

export interface AppRequestDeps {
  readonly dataDir: string;
  readonly proxy: ProxyContext;
  readonly pools: UpstreamPools;
  readonly refusals: Refusals;
  readonly auth: BasicAuth;
  readonly accessLogs: AccessLogs;
  /** The current table, re-read on every retry (a reload or replacement moves the socket). */
  table(): RouteTable;
  /** The router's HTTPS port, for force_https's Location; null: none (the URL then names no port). */
  httpsPort(): number | null;
  readonly activity: AppActivity;
}

/** The app's current socket, found again on every attempt by host (a reload or replacement moves it). */
class AppTarget implements ProxyTarget, TunnelTarget, CookieScreen {
  /** The app's cookies are screened by their Domain (cookie-domains.ts). */
  readonly cookies: CookieScreen = this;
  /** This request found the app asleep and asked for it to wake. */
  private heldForWake = false;

  constructor(
    private readonly deps: AppRequestDeps,
    private readonly host: string | undefined,
    private readonly route: AppRoute,
  ) {}

  get waitMs(): number {
    return this.deps.proxy.waitMs;
  }

  /**
   * The route to connect to now; null while there is none: starting,
   * between generations, or asleep — then the request is held (the proxy
   * tries again) and the api is asked to wake the app.
   */
  private current(): AppRoute | null {
    const now = this.deps.table().lookup(this.host);
    if (now === undefined || now.kind !== 'app' || now.webappId !== this.route.webappId || !now.enabled) return null;
    if (now.sleeping) {
      this.heldForWake = true;
      this.deps.activity.wake(now.webappId);
      return null;
    }
    return now.socketPath === null ? null : now;
  }

  /** Held for a wake until the app answers (or the wait is up): the app's socket appears within a second. */
  waking(): boolean {
    return this.heldForWake;
  }

  /** Crashed until its next Reload (a wake of broken code ends so): the requests held for it are answered now. */
  down(): boolean {
    const now = this.deps.table().lookup(this.host);
    return now?.kind === 'app' && now.webappId === this.route.webappId && now.crashed;
  }

  acquire(user: UpstreamUser): boolean {
    const now = this.current();
    return now !== null && this.deps.pools.acquire(now.socketPath!, now.uid, user);
  }

  dial(done: (err: Error | null, sock?: net.Socket) => void): (() => void) | null {
    const now = this.current();
    if (now === null) return null;
    this.deps.pools.closeIdle(now.socketPath!); // a worker held by an idle connection could not take the tunnel
    let sock: net.Socket;
    try {
      sock = connectOwnedSocket(now.socketPath!, now.uid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      done(err as Error);
      return () => {};
    }
    const onError = (err: Error) => done(err);
    sock.once('error', onError);
    sock.once('connect', () => {
      sock.off('error', onError);
      done(null, sock);
    });
    return () => sock.destroy();
  }

  refreshRoutes(): void {
    this.deps.proxy.refreshRoutes();
  }

  refused(err: UnsafePathError): void {
    this.deps.refusals.note(this.route, err);
  }

  keepsCookie(setCookie: string): boolean {
    return cookieMayPass(setCookie, this.route.domain, this.deps.table());
  }

  failurePage(kind: FailureKind) {
    if (kind === 'timeout') return { status: 504, html: pages.timeout(this.route.domain) };
    // Held as long as the router waits for an app that was asleep, and it is still waking (or
    // waiting its turn: other wakes were ahead of it). A wake that fails makes it crashed: the 502.
    if (this.heldForWake && !this.down()) return { status: 503, html: pages.waking(this.route.domain) };
    return { status: 502, html: pages.badGateway(this.route.domain) };
  }
}

type LogAccess = (status: number, bytes: number, user?: string) => void;

/** Logs one request's outcome; the clock starts when this is made. */
function accessLogger(deps: AppRequestDeps, req: IncomingMessage, route: AppRoute, facts: RequestFacts): LogAccess {
  const started = performance.now();
  const time = Date.now();
  return (status, bytes, user) =>
    deps.accessLogs.write(route.accessLogFile, route.uid, {
      ip: facts.clientIp,
      user,
      time,
      method: req.method ?? '-',
      url: facts.target,
      httpVersion: req.httpVersion,
      status,
      bytes,
      referer: facts.referer,
      userAgent: facts.userAgent,
      durationMs: performance.now() - started,
      requestId: facts.requestId,
    });
}

/**
 * What a site that is not served answers. A custom domain waiting for its
 * DNS gets 503 with Retry-After: the site exists and will be served soon
 * (often within the next check, when the record was just made), which is
 * what 503 means to browsers, monitors and crawlers alike (a crawler keeps
 * the site rather than dropping it, as it would for a 404). 421 Misdirected
 * Request was the other candidate, but it reads as the client's mistake and
 * an HTTP/2 client retries it on a new connection to this same server.
 */
function unavailable(route: AppRoute): { status: number; reason: string; html: string; headers: Record<string, string> } {
  if (route.disabledBy === 'dns') {
    return { status: 503, reason: 'Service Unavailable', html: pages.dnsPending(route.domain), headers: { 'Retry-After': String(DNS_RETRY_SECONDS) } };
  }
  return { status: 503, reason: 'Service Unavailable', html: pages.disabled(route.disabledBy ?? 'owner'), headers: {} };
}

/** A year, as the dashboard's own (app.ts); no includeSubDomains: the owner's other names are not this app's to bind. */
const HSTS = 'max-age=31536000';

export function serveAppRequest(deps: AppRequestDeps, req: IncomingMessage, res: ServerResponse, route: AppRoute, facts: RequestFacts): void {
  const log = accessLogger(deps, req, route, facts);
  deps.activity.request(route.webappId);

  if (!route.enabled) {
    const page = unavailable(route);
    return log(page.status, sendPage(res, page.status, page.html, page.headers));
  }
  if (route.forceHttps && facts.proto !== 'https') {
    // 301 keeps GET a GET; 308 makes a browser repeat a POST with its body.
    const status = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
    const port = deps.httpsPort();
    const location = `https://${normalizeHost(facts.host)}${port === null || port === 443 ? '' : `:${port}`}${facts.target}`;
    return log(status, sendPage(res, status, pages.movedToHttps(location), { Location: location }));
  }
  // Set before any answer (the app's, a static file, a password prompt), and
  // only over HTTPS, as RFC 6797 requires; an app's own header wins over it.
  if (route.hsts && facts.proto === 'https') res.setHeader('Strict-Transport-Security', HSTS);
  if (!route.protected) return afterAuth(deps, req, res, route, facts, log, undefined);
  void deps.auth.check(route.auth, facts.authorization).then(
    (result) => {
      if (result === 'ok') afterAuth(deps, req, res, route, facts, log, BasicAuth.username(facts.authorization));
      else log(...refuse(res, result));
    },
    () => log(...refuse(res, 'denied')),
  );
}

function refuse(res: ServerResponse, result: AuthResult): [number, number] {
  if (res.destroyed) return [499, 0];
  if (result === 'busy') return [503, sendPage(res, 503, pages.busy(), { 'Retry-After': '5' })];
  return [401, sendPage(res, 401, pages.unauthorized(), { 'WWW-Authenticate': 'Basic realm="Password protected web app", charset="UTF-8"' })];
}

function afterAuth(
  deps: AppRequestDeps,
  req: IncomingMessage,
  res: ServerResponse,
  route: AppRoute,
  facts: RequestFacts,
  log: LogAccess,
  user: string | undefined,
): void {
  if (res.destroyed) return log(499, 0, user); // left while its password was being checked
  const hit = findStaticMapping(route, facts.target);
  if (hit === 'bad-path') return log(404, sendPage(res, 404, pages.notFound()), user);
  if (hit !== null) {
    void serveStatic(req, res, route, hit, deps.dataDir).then(
      ({ status, bytes }) => log(status, bytes, user),
      () => {
        res.destroy();
        log(500, 0, user);
      },
    );
    return;
  }
  proxyRequest(req, res, facts, new AppTarget(deps, facts.host, route), deps.proxy, (status, bytes) => log(status, bytes, user));
}

/** An Upgrade (WebSocket) to a web app: the same checks, then a byte tunnel to its socket. */
export function serveAppUpgrade(deps: AppRequestDeps, req: IncomingMessage, socket: Duplex, head: Buffer, route: AppRoute, facts: RequestFacts): void {
  const log = accessLogger(deps, req, route, facts);
  deps.activity.request(route.webappId);
  const refuseRaw = (status: number, reason: string, html: string, extra = '') => {
    socket.end(rawResponse(status, reason, html, extra));
    log(status, 0);
  };
  if (!route.enabled) {
    const page = unavailable(route);
    return refuseRaw(page.status, page.reason, page.html, Object.entries(page.headers).map(([k, v]) => `${k}: ${v}\r\n`).join(''));
  }
  const go = (user: string | undefined) =>
    tunnel(req, socket, head, facts, new AppTarget(deps, facts.host, route),
      () => socket.end(rawResponse(502, 'Bad Gateway', pages.badGateway(route.domain))),
      ({ status, bytes }) => log(status, bytes, user));
  if (!route.protected) return go(undefined);
  void deps.auth.check(route.auth, facts.authorization).then((result) => {
    if (result === 'ok') go(BasicAuth.username(facts.authorization));
    else refuseRaw(401, 'Unauthorized', pages.unauthorized(), 'WWW-Authenticate: Basic realm="Password protected web app", charset="UTF-8"\r\n');
  });
}
