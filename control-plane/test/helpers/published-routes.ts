import { routeFiles } from '../../src/domain/layout.js';
import { RouteLoader } from '../../src/ingress/route-loader.js';
import type { AppRoute } from '../../src/ingress/route-table.js';
import { silentLog } from '../../src/ingress/router-log.js';

/** The route of `domain` as a router reads what the api published (the whole table and the change lines since); undefined: none. */
export function publishedRoute(dataDir: string, domain: string): AppRoute | undefined {
  const loader = new RouteLoader(routeFiles(dataDir), { dataDir, domain: 'dashboard.invalid', uidBase: 0 }, silentLog);
  loader.check();
  const route = loader.table.lookup(domain);
  return route?.kind === 'app' ? route : undefined;
}
