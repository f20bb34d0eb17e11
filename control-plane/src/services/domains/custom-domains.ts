import type { Config } from '../../config.js';
import { describeDns, dnsInstructions, dueForRecheck, isCustomDomain, type DnsRecord, type DnsStatusName, type RecheckPolicy } from '../../domain/custom-domains.js';
import { ValidationError } from '../../domain/errors.js';
import { overLimit } from '../../domain/limits.js';
import type { CustomDomainsStore } from '../../store/custom-domains-store.js';
import type { MetaStore } from '../../store/meta-store.js';
import type { UserRow } from '../../store/users-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { customDomainsAllowed } from '../accounts/instance-settings.js';
import type { DnsCheck } from './dns-check.js';

/** What a web app's or website's JSON says of its custom domain. */
export interface CustomDomainView {
  readonly dns_status: DnsStatusName;
  /** The sentence a person reads: it points here, or what to create or change. */
  readonly dns_message: string;
  readonly dns_records: readonly DnsRecord[];
  readonly dns_checked_at: string | null;
}

export interface CustomDomainsDeps {
  readonly config: Config;
  readonly meta: Pick<MetaStore, 'get'>;
  readonly store: CustomDomainsStore;
  readonly dns: Pick<DnsCheck, 'lookup'>;
  readonly limits: Pick<AccountLimits, 'of'>;
  /** Every domain the account's web apps and websites have. */
  readonly domainsOf: (owner: UserRow) => readonly string[];
  /** The certificate store: a deleted site's uploaded certificate goes with it. */
  readonly certificates?: { remove(id: string): void };
  readonly clock?: () => number;
}

/**
 * Custom domains (docs/https.md): allowed by an admin, counted against the
 * account's `custom_domains` limit, checked in DNS until they point here.
 */
export class CustomDomains {
  private readonly checking = new Map<string, Promise<void>>();

  private readonly clock: () => number;

  constructor(private readonly deps: CustomDomainsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  isCustom(domain: string): boolean {
    return isCustomDomain(domain, this.deps.config.domain);
  }

  /** Before a web app or website takes `domain` (normalized, checkDomain's): refuses a custom one the instance or the account does not allow. */
  checkClaim(owner: UserRow, domain: string): void {
    if (!this.isCustom(domain)) return;
    if (!customDomainsAllowed(this.deps.meta)) {
      throw new ValidationError(
        `${domain} is outside ${this.deps.config.domain}, and this Pyhost does not allow custom domains; use ${owner.username}.${this.deps.config.domain} or a name ending in .${owner.username}.${this.deps.config.domain}, or ask an administrator to allow custom domains`,
        'domain_name',
      );
    }
    const limits = this.deps.limits.of(owner);
    const count = this.deps.domainsOf(owner).filter((d) => this.isCustom(d)).length;
    if (count >= limits.custom_domains) throw overLimit('custom_domains', limits, count > 0 ? 'delete a site with one first' : undefined);
  }

  /** A site took `domain`: its DNS check starts (in the background). */
  claimed(owner: UserRow, domain: string): void {
    if (!this.isCustom(domain)) return;
    this.deps.store.claimed(domain, owner.id);
    void this.check(owner.username, domain);
  }

  /** The site is gone: its domain's check, and the certificate uploaded for it (ssl/). */
  released(site: { kind: 'webapp' | 'website'; id: number; domain_name: string }): void {
    this.deps.store.remove(site.domain_name);
    this.deps.certificates?.remove(`upload-${site.kind}-${site.id}`);
  }

  records(username: string, domain: string): DnsRecord[] {
    return dnsInstructions(domain, username, this.deps.config.domain, this.deps.config.dns.publicIp);
  }

  /**
   * Looks the domain up now and records what was found. A resolver that
   * does not answer says nothing of the records: a domain that pointed here
   * stays routed (and is looked at again by the next sweep, its check being
   * as old as it was); one that did not is recorded as pending.
   */
  check(username: string, domain: string): Promise<void> {
    const running = this.checking.get(domain);
    if (running) return running;
    const records = this.records(username, domain);
    const done = this.deps.dns
      .lookup(domain, records)
      .then((status) => {
        if (status === null && this.deps.store.byDomain(domain)?.dns_status === 'ok') return;
        this.deps.store.checked(domain, status ?? { status: 'pending', found: null }, new Date(this.clock()).toISOString());
      })
      .catch(() => undefined)
      .finally(() => this.checking.delete(domain));
    this.checking.set(domain, done);
    return done;
  }

  /**
   * The custom domains due for a look now (domain/custom-domains.ts's
   * policy), with their owners. A site's custom domain without a row (made
   * before domains were checked) gets one here, and so its first look.
   */
  dueForRecheck(policy?: RecheckPolicy): { username: string; domain: string }[] {
    for (const site of this.deps.store.sitesWithoutRow()) {
      if (this.isCustom(site.domain_name)) this.deps.store.claimed(site.domain_name, site.user_id);
    }
    return dueForRecheck(this.deps.store.all(), this.clock(), policy).map((r) => ({ username: r.username, domain: r.domain }));
  }

  /** What the site's JSON shows; null for a domain under PYHOST_DOMAIN. Only reads: the lookups are the background sweep's (dns-recheck.ts). */
  view(owner: Pick<UserRow, 'username'>, domain: string): CustomDomainView | null {
    if (!this.isCustom(domain)) return null;
    const row = this.deps.store.byDomain(domain);
    const records = this.records(owner.username, domain);
    const status = row ? { status: row.dns_status, found: row.dns_found } : { status: 'pending' as const, found: null };
    return { dns_status: status.status, dns_message: describeDns(domain, status, records), dns_records: records, dns_checked_at: row?.checked_at ?? null };
  }
}
