import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Target } from '../domain/compare-servers.js';
import { AccessLogs, DEFAULT_ACCESS_LOG } from './access-log.js';
import { LinkPool } from './api-links.js';
import { BasicAuth } from './basic-auth.js';
import { silentLog } from './router-log.js';
import { closeRouterServer, createRouterServer, type RouteSource } from './router.js';
import { RouteTable, type AppRoute } from './route-table.js';

// A router of one Compare servers run (docs/compare-servers.md,
// "Measuring"): the router's very code, in the api process, on a loopback
// port that only the run knows, routing the app's domain to one
// candidate's app.sock at a time. The live router, its route table and its
// access logs are never touched.

/** A router for one run: one loopback port, one route at a time. */
export class MeasuringRouter implements RouteSource {
  table = RouteTable.of([], 0);
  private readonly accessLogs = new AccessLogs({ ...DEFAULT_ACCESS_LOG, log: silentLog });
  private readonly server: http.Server;
  private routeId = 0;

  private constructor(config: Config) {
    this.server = createRouterServer({ config, routes: this, accessLogs: this.accessLogs, auth: new BasicAuth(), log: silentLog, apiLinks: new LinkPool() });
  }

  static async start(config: Config): Promise<MeasuringRouter> {
    const router = new MeasuringRouter(config);
    await new Promise<void>((resolve, reject) => {
      router.server.once('error', reject);
      router.server.listen(0, '127.0.0.1', () => resolve());
    });
    return router;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  checkSoon(): void {}

  /** Sends the domain to this target from now on. */
  routeTo(t: Target): void {
    const route: AppRoute = {
      kind: 'app',
      // Negative and apart from websites' (which are negated ids): only this table ever holds it.
      webappId: -1_000_000_000 - ++this.routeId,
      domain: t.domain,
      username: t.username,
      uid: t.uid,
      enabled: true,
      disabledBy: null,
      socketPath: t.socketPath,
      sleeping: false,
      crashed: false,
      forceHttps: false,
      hsts: false,
      auth: null,
      protected: false,
      staticFiles: [],
      accessLogFile: path.join(t.logDir, 'access.log'),
      errorLogFile: path.join(t.logDir, 'router-error.log'),
    };
    this.table = RouteTable.of([route], this.routeId);
  }

  async close(): Promise<void> {
    await closeRouterServer(this.server, 2000);
    await this.accessLogs.close();
  }
}
