// Custom domains (docs/https.md): a name outside PYHOST_DOMAIN that a user
// points at their Pyhost with a DNS record. Pure: what record to create, and
// whether what DNS answers is that record. The lookups are in
// services/domains/dns-check.ts.

/** Whether `domain` (normalized) lies outside the instance's base domain. */
export function isCustomDomain(domain: string, baseDomain: string): boolean {
  return domain !== baseDomain && !domain.endsWith(`.${baseDomain}`);
}

/** One DNS record to create at the domain's DNS provider. */
export interface DnsRecord {
  readonly type: 'CNAME' | 'A';
  /** The record's name: the custom domain itself. */
  readonly name: string;
  readonly value: string;
}

/**
 * The records that make `domain` reach this Pyhost, best first: a CNAME to
 * the user's own `<username>.<base>` (which the instance's wildcard record
 * serves), or an A record to the server's address (PYHOST_PUBLIC_IP) where
 * one is set. A name of two labels (`example.org`) is a zone's apex, which
 * DNS allows no CNAME at: only the A record then.
 */
export function dnsInstructions(domain: string, username: string, baseDomain: string, publicIp: string | null): DnsRecord[] {
  const records: DnsRecord[] = [];
  const apex = domain.split('.').length <= 2;
  if (!apex) records.push({ type: 'CNAME', name: domain, value: `${username}.${baseDomain}` });
  if (publicIp !== null) records.push({ type: 'A', name: domain, value: publicIp });
  return records;
}

/** What DNS answered for a domain: its CNAME targets and its IPv4 addresses (empty: none). */
export interface DnsAnswer {
  readonly cnames: readonly string[];
  readonly addresses: readonly string[];
}

export type DnsStatusName = 'pending' | 'ok' | 'wrong';

export interface DnsStatus {
  readonly status: DnsStatusName;
  /** What was found, in words (null when all is well). */
  readonly found: string | null;
}

const bare = (name: string) => name.toLowerCase().replace(/\.$/, '');

/**
 * `ok` when a CNAME points at `<username>.<base>` or an A record is the
 * server's address; `wrong` when a record exists but points elsewhere;
 * `pending` when there is none yet.
 */
export function judgeDns(answer: DnsAnswer, records: readonly DnsRecord[]): DnsStatus {
  const cnames = answer.cnames.map(bare);
  const wantCname = records.find((r) => r.type === 'CNAME')?.value;
  const wantA = records.find((r) => r.type === 'A')?.value;
  if (wantCname !== undefined && cnames.includes(bare(wantCname))) return { status: 'ok', found: null };
  if (wantA !== undefined && answer.addresses.includes(wantA)) return { status: 'ok', found: null };
  if (cnames.length > 0) return { status: 'wrong', found: `a CNAME record to ${cnames.join(', ')}` };
  if (answer.addresses.length > 0) return { status: 'wrong', found: `an A record to ${answer.addresses.join(', ')}` };
  return { status: 'pending', found: null };
}

/** What a person reads of a DNS status: what is wrong and what to create. */
export function describeDns(domain: string, status: DnsStatus, records: readonly DnsRecord[]): string {
  const want = records.map((r) => `${r.type} ${r.name} → ${r.value}`).join(', or ');
  if (status.status === 'ok') return `${domain} points here`;
  if (status.status === 'wrong') return `${domain} has ${status.found}; change it to ${want}`;
  return `${domain} has no DNS record yet; create ${want} (changes can take a while to spread)`;
}

/** How often a custom domain is looked up again in the background (services/domains/dns-recheck.ts). */
export interface RecheckPolicy {
  /** A domain not pointing here yet: its owner is likely making the record now. */
  readonly notOkMs: number;
  /** A domain that points here: seldom, but a record removed or moved must stop its routing. */
  readonly okMs: number;
}

export const DEFAULT_RECHECK: RecheckPolicy = { notOkMs: 30_000, okMs: 10 * 60_000 };

/** What the recheck needs of a custom domain's stored check. */
export interface StoredCheck {
  readonly domain: string;
  readonly dns_status: DnsStatusName;
  /** ISO; null before its first look. */
  readonly checked_at: string | null;
}

/** The domains due for a look at `now`: never looked at first, then the longest ago. */
export function dueForRecheck<T extends StoredCheck>(rows: readonly T[], now: number, policy: RecheckPolicy = DEFAULT_RECHECK): T[] {
  const at = (r: T) => (r.checked_at === null ? -Infinity : Date.parse(r.checked_at));
  return rows
    .filter((r) => now - at(r) >= (r.dns_status === 'ok' ? policy.okMs : policy.notOkMs))
    .sort((a, b) => at(a) - at(b));
}
