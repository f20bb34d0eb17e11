import type { DnsStatus, DnsStatusName } from '../domain/custom-domains.js';
import { nowIso, type Db } from './database.js';
import { RoutesVersion } from './routes-version.js';

export interface CustomDomainRow {
  domain: string;
  user_id: number;
  dns_status: DnsStatusName;
  dns_found: string | null;
  checked_at: string | null;
}

/** Custom domains' DNS checks (migration 12). A domain is routed once its status is ok (route-rows.ts), so a change of status moves routes_version. */
export class CustomDomainsStore {
  private readonly routes: RoutesVersion;

  constructor(private readonly db: Db) {
    this.routes = new RoutesVersion(db);
  }

  /** Every custom domain's check, with its owner's name (whose `<username>.<domain>` a CNAME must point at). */
  all(): (CustomDomainRow & { username: string })[] {
    return this.db
      .prepare('SELECT cd.*, u.username FROM custom_domains cd JOIN users u ON u.id = cd.user_id ORDER BY cd.domain')
      .all() as (CustomDomainRow & { username: string })[];
  }

  /** Web apps' and websites' domains that have no row (sites from before migration 12 among them); which are custom is the caller's to say. */
  sitesWithoutRow(): { domain_name: string; user_id: number }[] {
    return this.db
      .prepare(
        `SELECT domain_name, user_id FROM webapps WHERE domain_name NOT IN (SELECT domain FROM custom_domains)
         UNION ALL
         SELECT domain_name, user_id FROM websites WHERE domain_name NOT IN (SELECT domain FROM custom_domains)`,
      )
      .all() as { domain_name: string; user_id: number }[];
  }

  byDomain(domain: string): CustomDomainRow | undefined {
    return this.db.prepare('SELECT * FROM custom_domains WHERE domain = ?').get(domain) as CustomDomainRow | undefined;
  }

  /** A site of `userId`'s took `domain`: its check starts afresh. */
  claimed(domain: string, userId: number): void {
    this.db
      .prepare(
        `INSERT INTO custom_domains (domain, user_id) VALUES (?, ?)
         ON CONFLICT(domain) DO UPDATE SET user_id = excluded.user_id, dns_status = 'pending', dns_found = NULL, checked_at = NULL`,
      )
      .run(domain, userId);
    this.routes.bump();
  }

  checked(domain: string, status: DnsStatus, at = nowIso()): void {
    this.db.transaction(() => {
      const before = this.byDomain(domain)?.dns_status;
      this.db.prepare('UPDATE custom_domains SET dns_status = ?, dns_found = ?, checked_at = ? WHERE domain = ?').run(status.status, status.found, at, domain);
      if (before !== undefined && (before === 'ok') !== (status.status === 'ok')) this.routes.bump();
    })();
  }

  remove(domain: string): void {
    this.db.prepare('DELETE FROM custom_domains WHERE domain = ?').run(domain);
    this.routes.bump();
  }
}
