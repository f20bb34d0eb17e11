import { Resolver } from 'node:dns/promises';
import type { DnsSettings } from '../../config.js';
import { judgeDns, type DnsAnswer, type DnsRecord, type DnsStatus } from '../../domain/custom-domains.js';

/** DNS errors that mean "no such record", as opposed to a resolver that failed. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'NXDOMAIN', 'ENOTIMP', 'EREFUSED']);

async function orNone(lookup: Promise<string[]>): Promise<string[]> {
  try {
    return await lookup;
  } catch (err) {
    if (NO_RECORD.has(String((err as { code?: string }).code))) return [];
    throw err;
  }
}

/**
 * Looks a custom domain up and judges the answer against the records it
 * should have (domain/custom-domains.ts). PYHOST_DNS_SERVER points it at a
 * resolver of the admin's choosing (tests: pebble-challtestsrv on loopback).
 */
export class DnsCheck {
  private readonly resolver: Resolver;

  constructor(settings: DnsSettings, timeoutMs = 3000) {
    this.resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
    if (settings.server !== null) this.resolver.setServers([settings.server]);
  }

  /** What DNS answers for `domain` now; null when the resolver failed (timeout, SERVFAIL), which says nothing of the records. */
  async answer(domain: string): Promise<DnsAnswer | null> {
    try {
      const [cnames, addresses] = await Promise.all([orNone(this.resolver.resolveCname(domain)), orNone(this.resolver.resolve4(domain))]);
      return { cnames, addresses };
    } catch {
      return null;
    }
  }

  /** The domain's status now; null when the resolver did not answer. */
  async lookup(domain: string, records: readonly DnsRecord[]): Promise<DnsStatus | null> {
    const answer = await this.answer(domain);
    return answer === null ? null : judgeDns(answer, records);
  }

  /** As lookup(), with a resolver that did not answer counting as no record yet. */
  async check(domain: string, records: readonly DnsRecord[]): Promise<DnsStatus> {
    return (await this.lookup(domain, records)) ?? { status: 'pending', found: null };
  }
}
