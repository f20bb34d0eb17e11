import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';
import { ingressActivityFile, ingressLinkSocket, routeFiles } from '../domain/layout.js';
import { RouterActivity } from './router-activity.js';
import { AccessLogs, DEFAULT_ACCESS_LOG, type AccessLogOptions } from './access-log.js';
import { ApiLinks } from './api-links.js';
import { BasicAuth } from './basic-auth.js';
import { OcspStapler } from './ocsp-stapler.js';
import { RouteLoader } from './route-loader.js';
import { closeRouterServer, createRouterServer, createTlsRouterServer } from './router.js';
import type { RouterLog } from './router-log.js';
import { splitPem, TlsCertificates } from './tls-certs.js';
import { TLS_PROFILE } from './tls-profile.js';

export { createRouterLog, silentLog, type RouterLog } from './router-log.js';

export interface RunningRouter {
  readonly server: http.Server;
  /** The HTTPS server, when config.httpsPort (or options.httpsPort) is set. */
  readonly tlsServer: https.Server | null;
  readonly certificates: TlsCertificates | null;
  readonly routes: RouteLoader;
  readonly accessLogs: AccessLogs;
  readonly apiLinks: ApiLinks;
  /** The port actually bound (config.port, or the one the OS chose for port 0). */
  readonly port: number;
  /** The HTTPS port actually bound; null without HTTPS. */
  readonly httpsPort: number | null;
  /** Graceful: stops accepting, finishes what is in flight, flushes the access logs. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Overrides the access-log rotation size, count and flush interval (tests). */
  accessLog?: Partial<Omit<AccessLogOptions, 'log'>>;
  /** Listen on this port instead of config.port (tests pass 0). */
  port?: number;
  /** Listen for HTTPS on this port instead of config.httpsPort (tests pass 0). */
  httpsPort?: number;
  /** Session ticket keys (48 bytes), shared by the router processes (ingress-main); random when absent. */
  ticketKeys?: Buffer;
  /** Which router process this is (1-based; several with PYHOST_ROUTER_WORKERS): names its link socket. */
  processIndex?: number;
  /** Called once the public port is bound, before anything under PYHOST_DATA is opened (ingress-main drops root here). */
  onListening?: () => void;
}

/** Builds the router and listens on the public port: what ingress-main runs in each process. */
export async function startRouter(config: Config, log: RouterLog, options: StartOptions = {}): Promise<RunningRouter> {
  const routes = new RouteLoader(routeFiles(config.dataDir), { dataDir: config.dataDir, domain: config.domain, uidBase: config.uidBase }, log);
  const accessLogs = new AccessLogs({ ...DEFAULT_ACCESS_LOG, ...options.accessLog, log });
  const apiLinks = new ApiLinks(ingressLinkSocket(config.dataDir, options.processIndex ?? 1), config.ingressUid);
  const activity = new RouterActivity(ingressActivityFile(config.dataDir, options.processIndex ?? 1), config.ingressUid, (key) => routes.table.isAsleep(key), log);
  const wantsTls = options.httpsPort ?? config.httpsPort;
  let httpsPort: number | null = null;
  const deps = { config, routes, accessLogs, auth: new BasicAuth(), log, apiLinks: apiLinks.pool, httpsPort: () => httpsPort, activity };
  const server = createRouterServer(deps);
  let tlsServer: https.Server | null = null;
  let certificates: TlsCertificates | null = null;
  if (wantsTls !== null && wantsTls !== undefined) {
    const ticketKeys = options.ticketKeys ?? randomBytes(48);
    certificates = new TlsCertificates(config.dataDir, config.domain, log, (set) => {
      // Handshakes without SNI, or for a name no certificate has, get the dashboard's.
      if (set.fallback !== null) tlsServer?.setSecureContext({ ...TLS_PROFILE, ...splitPem(set.fallback.pem), ticketKeys });
    });
    const store = certificates;
    tlsServer = createTlsRouterServer(deps, { contextFor: (name) => store.contextFor(name), ticketKeys, onOcspRequest: new OcspStapler(log).onRequest });
  }
  const listening: (http.Server | https.Server)[] = [];
  try {
    await listen(server, options.port ?? config.port, config.host);
    listening.push(server);
    if (tlsServer !== null) {
      await listen(tlsServer, wantsTls!, config.host);
      listening.push(tlsServer);
      httpsPort = (tlsServer.address() as AddressInfo).port;
    }
    options.onListening?.();
    routes.start();
    activity.start();
    certificates?.start();
    await apiLinks.listen();
  } catch (err) {
    routes.stop();
    activity.stop();
    certificates?.stop();
    for (const s of listening) s.close();
    throw err;
  }
  return {
    server,
    tlsServer,
    certificates,
    routes,
    accessLogs,
    apiLinks,
    port: (server.address() as AddressInfo).port,
    httpsPort,
    async close() {
      await Promise.all([closeRouterServer(server), tlsServer ? closeRouterServer(tlsServer) : undefined]);
      await apiLinks.close();
      await accessLogs.close();
      activity.stop();
      routes.stop();
      certificates?.stop();
    },
  };
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
