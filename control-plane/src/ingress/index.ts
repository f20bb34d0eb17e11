import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';
import { ingressLinkSocket, routesSnapshotFile } from '../domain/layout.js';
import { AccessLogs, DEFAULT_ACCESS_LOG, type AccessLogOptions } from './access-log.js';
import { ApiLinks } from './api-links.js';
import { BasicAuth } from './basic-auth.js';
import { RouteLoader } from './route-loader.js';
import { closeRouterServer, createRouterServer } from './router.js';
import type { RouterLog } from './router-log.js';

export { createRouterLog, silentLog, type RouterLog } from './router-log.js';

export interface RunningRouter {
  readonly server: http.Server;
  readonly routes: RouteLoader;
  readonly accessLogs: AccessLogs;
  readonly apiLinks: ApiLinks;
  /** The port actually bound (config.port, or the one the OS chose for port 0). */
  readonly port: number;
  /** Graceful: stops accepting, finishes what is in flight, flushes the access logs. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Overrides the access-log rotation size, count and flush interval (tests). */
  accessLog?: Partial<Omit<AccessLogOptions, 'log'>>;
  /** Listen on this port instead of config.port (tests pass 0). */
  port?: number;
  /** Which router process this is (1-based; several with PYHOST_ROUTER_WORKERS): names its link socket. */
  processIndex?: number;
  /** Called once the public port is bound, before anything under PYHOST_DATA is opened (ingress-main drops root here). */
  onListening?: () => void;
}

/** Builds the router and listens on the public port: what ingress-main runs in each process. */
export async function startRouter(config: Config, log: RouterLog, options: StartOptions = {}): Promise<RunningRouter> {
  const routes = new RouteLoader(routesSnapshotFile(config.dataDir), { dataDir: config.dataDir, domain: config.domain, uidBase: config.uidBase }, log);
  const accessLogs = new AccessLogs({ ...DEFAULT_ACCESS_LOG, ...options.accessLog, log });
  const apiLinks = new ApiLinks(ingressLinkSocket(config.dataDir, options.processIndex ?? 1), config.ingressUid);
  const server = createRouterServer({ config, routes, accessLogs, auth: new BasicAuth(), log, apiLinks: apiLinks.pool });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    options.onListening?.();
    routes.start();
    await apiLinks.listen();
  } catch (err) {
    routes.stop();
    server.close();
    throw err;
  }
  return {
    server,
    routes,
    accessLogs,
    apiLinks,
    port: (server.address() as AddressInfo).port,
    async close() {
      await closeRouterServer(server);
      await apiLinks.close();
      await accessLogs.close();
      routes.stop();
    },
  };
}
