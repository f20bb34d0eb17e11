import type { RouteSnapshot, StaticFileRouteRow, WebappRouteRow, WebsiteRouteRow } from '../domain/route-snapshot.js';
import type { Db } from './database.js';
import { RoutesVersion } from './routes-version.js';

/**
 * A custom domain (a row in custom_domains) is served, and so certified,
 * only once its DNS points here; until then the router answers its own
 * "waiting for DNS" page, not the owner's "disabled" one, so the owner's
 * switch and the DNS state travel apart.
 */
const DNS_PENDING = `CASE WHEN cd.dns_status IS NOT NULL AND cd.dns_status <> 'ok' THEN 1 ELSE 0 END AS dns_pending`;

/** Crashed until the next Reload: the router answers the 502 page at once. */
const CRASHED = (t: string) => `CASE WHEN ${t}.crashed_reason IS NULL THEN 0 ELSE 1 END AS crashed`;

/** What the router needs from the store, read in one transaction (the web apps and their mappings of one moment). */
export class RouteRows {
  private readonly version: RoutesVersion;

  constructor(private readonly db: Db) {
    this.version = new RoutesVersion(db);
  }

  currentVersion(): number {
    return this.version.current();
  }

  snapshot(): RouteSnapshot {
    return this.db.transaction(() => ({
      version: this.version.current(),
      webapps: this.db
        .prepare(
          `SELECT w.id, w.user_id, u.username, w.domain_name, w.enabled, ${DNS_PENDING},
                  CASE WHEN u.disabled_at IS NULL THEN 0 ELSE 1 END AS account_disabled, w.active_generation, CASE WHEN w.sleeping_since IS NULL THEN 0 ELSE 1 END AS sleeping, ${CRASHED('w')}, w.force_https, w.hsts_enabled,
                  w.password_protection_enabled, w.password_protection_username, w.password_protection_hash
             FROM webapps w JOIN users u ON u.id = w.user_id LEFT JOIN custom_domains cd ON cd.domain = w.domain_name ORDER BY w.id`,
        )
        .all() as WebappRouteRow[],
      staticFiles: this.db.prepare('SELECT webapp_id, url, path FROM static_files ORDER BY id').all() as StaticFileRouteRow[],
      websites: this.db
        .prepare(
          `SELECT s.id, s.user_id, u.username, s.domain_name, s.enabled, ${DNS_PENDING},
                  CASE WHEN u.disabled_at IS NULL THEN 0 ELSE 1 END AS account_disabled, s.active_generation, ${CRASHED('s')}
             FROM websites s JOIN users u ON u.id = s.user_id LEFT JOIN custom_domains cd ON cd.domain = s.domain_name ORDER BY s.id`,
        )
        .all() as WebsiteRouteRow[],
    }))();
  }
}
