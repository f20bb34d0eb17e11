import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Config } from '../config.js';
import { trustedProxyCheck } from '../domain/trusted-proxies.js';
import type { AccessLogs } from './access-log.js';
import { ApiTarget, type LinkPool } from './api-links.js';
import { serveAppRequest, serveAppUpgrade, type AppActivity, type AppRequestDeps } from './app-requests.js';
import type { BasicAuth } from './basic-auth.js';
import { pages, rawResponse, sendPage } from './pages.js';
import { proxyRequest } from './proxy.js';
import { Refusals } from './refusals.js';
import { requestFacts, type Refusal } from './request-facts.js';
import { MAX_HEADER_BYTES, MAX_HEADER_FIELDS } from './request-limits.js';
import type { RouteTable } from './route-table.js';
import type { RouterLog } from './router-log.js';
import { answerAcmeChallenge, isAcmeChallenge } from './acme-challenge.js';
import { TLS_PROFILE } from './tls-profile.js';
import { tunnel } from './upgrade.js';
import { UpstreamPools } from './upstream-pool.js';

// The ingress: one plain node:http server (Fastify would only add cost on
// this path). Host decides: the dashboard hosts go to the api's socket, a
// web app's domain to its app, anything else gets a 404 page.

export interface RouteSource {
  readonly table: RouteTable;
  /** Look at the store now, not at the next tick (a socket went missing). */
  checkSoon(): void;
}

export interface RouterDeps {
  readonly config: Config;
  readonly routes: RouteSource;
  readonly accessLogs: AccessLogs;
  readonly auth: BasicAuth;
  readonly log: RouterLog;
  /** The connections the api keeps open to this process (api-links.ts). */
  readonly apiLinks: LinkPool;
  /** The HTTPS port force_https sends clients to; null while there is none. */
  readonly httpsPort?: () => number | null;
  /** Requests and wakes for the api (router-activity.ts); none: nothing is told (a router in a test alone). */
  readonly activity?: AppActivity;
}

const NO_ACTIVITY: AppActivity = { request: () => {}, wake: () => {} };

export interface TlsListener {
  /** The certificate for a handshake's SNI name (undefined: the server's default one). */
  contextFor(servername: string): tls.SecureContext | undefined;
  /** The session ticket keys (48 bytes), the same in every router process so that resumption works across them. */
  readonly ticketKeys: Buffer;
  /** The server's 'OCSPRequest' listener (ocsp-stapler.ts). */
  readonly onOcspRequest?: (certificate: Buffer, issuer: Buffer | undefined, done: (err: Error | null, response: Buffer | null) => void) => void;
}

/** The router's plain HTTP server. */
export function createRouterServer(deps: RouterDeps): http.Server {
  return attachRouter(http.createServer(serverOptions(deps.config)), deps, 'http');
}

/** The router's HTTPS server (HTTP/1.1 over TLS): the same routing, certificates by SNI (tls-certs.ts). */
export function createTlsRouterServer(deps: RouterDeps, listener: TlsListener): https.Server {
  const server = https.createServer({
    ...serverOptions(deps.config),
    ...TLS_PROFILE,
    ticketKeys: listener.ticketKeys,
    SNICallback: (servername, done) => done(null, listener.contextFor(servername)),
  });
  if (listener.onOcspRequest) server.on('OCSPRequest', listener.onOcspRequest);
  return attachRouter(server, deps, 'https');
}

function serverOptions(config: Config): http.ServerOptions {
  const settings = config.router;
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    requireHostHeader: true,
    // Slow clients: headers and the whole request are bounded, checked every second.
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, settings.headersTimeoutMs),
    noDelay: true,
  };
}

function attachRouter<S extends http.Server | https.Server>(server: S, { config, routes, accessLogs, auth, log, apiLinks, httpsPort, activity }: RouterDeps, scheme: 'http' | 'https'): S {
  const settings = config.router;
  const isTrusted = trustedProxyCheck(config.trustedProxies);
  const proxy = { waitMs: settings.appWaitMs, timeoutMs: settings.appTimeoutMs, refreshRoutes: () => routes.checkSoon() };
  const deps: AppRequestDeps = {
    dataDir: config.dataDir, proxy, pools: new UpstreamPools(settings.workers), refusals: new Refusals(log), auth, accessLogs, table: () => routes.table,
    httpsPort: httpsPort ?? (() => null), activity: activity ?? NO_ACTIVITY,
  };
  const api = new ApiTarget(apiLinks, settings.appWaitMs, config.domain);
  const noLog = () => {};

  // No inactivity limit on responses: a long download is fine; apps are bounded by appTimeoutMs.
  server.timeout = 0;
  // Node does not refuse more header fields than this, it stops collecting them: one more shows that there were too many.
  server.maxHeadersCount = MAX_HEADER_FIELDS + 1;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // HTTP-01 challenges are answered on plain HTTP for any host (RFC 8555 §8.3).
    if (scheme === 'http' && isAcmeChallenge(req) && answerAcmeChallenge(config.dataDir, req, res)) return;
    const facts = requestFacts(req, isTrusted);
    if (facts.refusal !== 0) return refuse(res, facts.refusal);
    const route = routes.table.lookup(facts.host);
    if (route === undefined) sendPage(res, 404, pages.unknownHost());
    else if (route.kind === 'api') proxyRequest(req, res, facts, api, proxy, noLog);
    else serveAppRequest(deps, req, res, route, facts);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const facts = requestFacts(req, isTrusted);
    if (facts.refusal !== 0) return void socket.end(rawResponse(facts.refusal, STATUS_CODES[facts.refusal]!, pages.refused(facts.refusal)));
    const route = routes.table.lookup(facts.host);
    if (route === undefined) socket.end(rawResponse(404, 'Not Found', pages.unknownHost()));
    else if (route.kind === 'api') {
      tunnel(req, socket, head, facts, api, () => socket.end(rawResponse(503, 'Service Unavailable', pages.dashboardDown())), noLog);
    } else serveAppUpgrade(deps, req, socket, head, route, facts);
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => refuseMalformed(log, err, socket));
  // A failed handshake (an old protocol, no shared cipher, a scanner) is the client's problem, not the router's.
  if (scheme === 'https') server.on('tlsClientError', (_err: Error, socket: Duplex) => socket.destroy());

  return server;
}

/**
 * Malformed requests (smuggling attempts among them), oversized headers
 * and timeouts: answer once, then close, so nothing that follows on this
 * connection is ever read as a request.
 */
function refuseMalformed(log: RouterLog, err: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already under way on this connection cannot be followed by another one.
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  // The body of a request already handed on can still turn out malformed: its access-log line says so.
  if (current) (current as { statusCode?: number }).statusCode = status;
  log.debug({ code: err.code }, 'refused a malformed request');
  // Closed as soon as the answer is flushed, whatever the client does with its side.
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, () => socket.destroy());
}

/** A request no app may see (request-limits.ts, request-facts.ts): answered, and the connection closed after it. */
function refuse(res: ServerResponse, status: Exclude<Refusal, 0>): void {
  sendPage(res, status, pages.refused(status), { Connection: 'close' });
}

/** Stops taking connections, lets requests in flight finish (bounded), then closes what is left. */
export async function closeRouterServer(server: http.Server | https.Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
