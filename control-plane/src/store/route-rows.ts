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

const WEBAPP_COLUMNS = `w.id, w.user_id, u.username, w.domain_name, w.enabled, ${DNS_PENDING},
                  CASE WHEN u.disabled_at IS NULL THEN 0 ELSE 1 END AS account_disabled, w.active_generation, CASE WHEN w.sleeping_since IS NULL THEN 0 ELSE 1 END AS sleeping, ${CRASHED('w')}, w.force_https, w.hsts_enabled,
                  w.password_protection_enabled, w.password_protection_username, w.password_protection_hash
             FROM webapps w JOIN users u ON u.id = w.user_id LEFT JOIN custom_domains cd ON cd.domain = w.domain_name`;
const WEBSITE_COLUMNS = `s.id, s.user_id, u.username, s.domain_name, s.enabled, ${DNS_PENDING},
                  CASE WHEN u.disabled_at IS NULL THEN 0 ELSE 1 END AS account_disabled, s.active_generation, ${CRASHED('s')}
             FROM websites s JOIN users u ON u.id = s.user_id LEFT JOIN custom_domains cd ON cd.domain = s.domain_name`;
/** A JSON array of ids, bound as one parameter. */
const IN_IDS = `IN (SELECT value FROM json_each(?))`;

/** The rows of the sites that changed since a point of route_changes (migration 16), and the ids of those now gone. */
export interface ChangedRouteRows {
  /** The last route_changes row these cover: the next look starts after it. */
  readonly seq: number;
  readonly version: number;
  readonly webapps: WebappRouteRow[];
  readonly staticFiles: StaticFileRouteRow[];
  readonly websites: WebsiteRouteRow[];
  readonly removedWebapps: number[];
  readonly removedWebsites: number[];
}

/** What the router needs from the store, read in one transaction (the web apps and their mappings of one moment). */
export class RouteRows {
  private readonly version: RoutesVersion;

  constructor(private readonly db: Db) {
    this.version = new RoutesVersion(db);
  }

  currentVersion(): number {
    return this.version.current();
  }

  /** Moves only when which names are served may have changed (migration 16): not when an app sleeps, wakes or reloads. */
  hostsVersion(): number {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'hosts_version'`).get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /** The whole table, and the last route_changes row it already covers. */
  snapshot(): RouteSnapshot & { readonly seq: number } {
    return this.db.transaction(() => ({
      version: this.version.current(),
      seq: this.lastSeq(),
      webapps: this.db.prepare(`SELECT ${WEBAPP_COLUMNS} ORDER BY w.id`).all() as WebappRouteRow[],
      staticFiles: this.db.prepare('SELECT webapp_id, url, path FROM static_files ORDER BY id').all() as StaticFileRouteRow[],
      websites: this.db.prepare(`SELECT ${WEBSITE_COLUMNS} ORDER BY s.id`).all() as WebsiteRouteRow[],
    }))();
  }

  /** The last row of route_changes (0: none yet). */
  lastSeq(): number {
    return (this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get('route_changes') as { seq: number } | undefined)?.seq ?? 0;
  }

  /** The current rows of every site touched after `afterSeq`: an index lookup per site, not a pass over them all. */
  changesSince(afterSeq: number): ChangedRouteRows {
    return this.db.transaction(() => {
      const changes = this.db.prepare('SELECT seq, kind, key FROM route_changes WHERE seq > ? ORDER BY seq').all(afterSeq) as { seq: number; kind: string; key: number | string }[];
      const webappIds = new Set<number>();
      const websiteIds = new Set<number>();
      const ids = (sql: string, key: number | string) => (this.db.prepare(sql).pluck().all(key) as number[]);
      for (const c of changes) {
        if (c.kind === 'webapp') webappIds.add(Number(c.key));
        else if (c.kind === 'website') websiteIds.add(Number(c.key));
        else if (c.kind === 'user') {
          for (const id of ids('SELECT id FROM webapps WHERE user_id = ?', c.key)) webappIds.add(id);
          for (const id of ids('SELECT id FROM websites WHERE user_id = ?', c.key)) websiteIds.add(id);
        } else {
          for (const id of ids('SELECT id FROM webapps WHERE domain_name = ?', c.key)) webappIds.add(id);
          for (const id of ids('SELECT id FROM websites WHERE domain_name = ?', c.key)) websiteIds.add(id);
        }
      }
      const webappList = JSON.stringify([...webappIds]);
      const websiteList = JSON.stringify([...websiteIds]);
      const webapps = this.db.prepare(`SELECT ${WEBAPP_COLUMNS} WHERE w.id ${IN_IDS} ORDER BY w.id`).all(webappList) as WebappRouteRow[];
      const websites = this.db.prepare(`SELECT ${WEBSITE_COLUMNS} WHERE s.id ${IN_IDS} ORDER BY s.id`).all(websiteList) as WebsiteRouteRow[];
      const found = (rows: { id: number }[]) => new Set(rows.map((r) => r.id));
      const liveWebapps = found(webapps);
      const liveWebsites = found(websites);
      return {
        seq: changes.at(-1)?.seq ?? afterSeq,
        version: this.version.current(),
        webapps,
        staticFiles: this.db.prepare(`SELECT webapp_id, url, path FROM static_files WHERE webapp_id ${IN_IDS} ORDER BY id`).all(webappList) as StaticFileRouteRow[],
        websites,
        removedWebapps: [...webappIds].filter((id) => !liveWebapps.has(id)),
        removedWebsites: [...websiteIds].filter((id) => !liveWebsites.has(id)),
      };
    })();
  }

  /** The changes up to `seq` reached the router: their rows go. */
  forgetChanges(seq: number): void {
    this.db.prepare('DELETE FROM route_changes WHERE seq <= ?').run(seq);
  }
}
