import net from 'node:net';
import type { RouteSnapshot, WebappRouteRow } from './route-snapshot.js';

// When the ACME renewer orders which certificate: pure functions of the
// routes, the certificates' rows and the clock (services/tls/renewer.ts
// carries them out).

/** A certificate the instance should have: the dashboard's, and each served web app's and website's. */
export interface WantedCertificate {
  readonly id: string;
  readonly names: readonly string[];
  /** 'dashboard', 'webapp:<id>' or 'website:<id>'. */
  readonly owner: string;
}

/** What the policy needs of a certificate's row. */
export interface CertificateState {
  readonly id: string;
  readonly names: readonly string[];
  readonly source: 'acme' | 'upload';
  readonly not_before: string | null;
  readonly not_after: string | null;
  readonly next_attempt_at: string | null;
  readonly failures: number;
}

export interface BackoffSettings {
  readonly minMs: number;
  readonly maxMs: number;
}

/** 5 minutes after the first failure, doubling, at most 6 hours. */
export const DEFAULT_BACKOFF: BackoffSettings = { minMs: 5 * 60_000, maxMs: 6 * 3600_000 };

/**
 * At most this many orders an hour from one instance: well inside Let's
 * Encrypt's limits (300 new orders per 3 hours per account, 5 failed
 * validations per host name per hour, with the backoff).
 */
export const DEFAULT_ORDERS_PER_HOUR = 20;

/** Names no public CA issues for: single labels, localhost and its subdomains, IP addresses. */
export function isCertifiableName(name: string): boolean {
  if (net.isIP(name) !== 0) return false;
  if (!name.includes('.')) return false;
  return name !== 'localhost' && !name.endsWith('.localhost');
}

/**
 * A site is certified while it is served: not while it is disabled, nor
 * while its custom domain's DNS does not point here (an order for such a
 * name could only fail, and spend the CA's rate limit).
 */
function served(r: Pick<WebappRouteRow, 'enabled' | 'account_disabled' | 'dns_pending'>): boolean {
  return r.enabled === 1 && r.account_disabled === 0 && r.dns_pending !== 1;
}

export function wantedCertificates(snapshot: Pick<RouteSnapshot, 'webapps' | 'websites'>, dashboardDomain: string): WantedCertificate[] {
  const wanted: WantedCertificate[] = [];
  if (isCertifiableName(dashboardDomain)) wanted.push({ id: 'dashboard', names: [dashboardDomain], owner: 'dashboard' });
  for (const w of snapshot.webapps) {
    if (served(w) && isCertifiableName(w.domain_name)) {
      wanted.push({ id: `webapp-${w.id}`, names: [w.domain_name], owner: `webapp:${w.id}` });
    }
  }
  for (const s of snapshot.websites ?? []) {
    if (served(s) && isCertifiableName(s.domain_name)) {
      wanted.push({ id: `website-${s.id}`, names: [s.domain_name], owner: `website:${s.id}` });
    }
  }
  return wanted;
}

/** When a certificate is renewed: two thirds into its lifetime. */
export function renewalTime(notBefore: string, notAfter: string): number {
  const from = Date.parse(notBefore);
  const to = Date.parse(notAfter);
  return from + ((to - from) * 2) / 3;
}

/** The wait after the `failures`-th failure in a row (1-based): doubling from min, capped at max. */
export function backoffMs(failures: number, settings: BackoffSettings = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, Math.min(failures - 1, 40));
  return Math.min(settings.minMs * 2 ** exponent, settings.maxMs);
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}

/**
 * Whether `wanted` needs an order now: it has no certificate, or its names
 * changed, or it is two thirds through its lifetime; unless the last failure's
 * backoff still runs, or an uploaded certificate already covers its names.
 */
export function needsOrder(wanted: WantedCertificate, row: CertificateState | undefined, uploaded: readonly CertificateState[], now: number): boolean {
  if (uploaded.some((u) => u.not_after !== null && Date.parse(u.not_after) > now && wanted.names.every((n) => u.names.includes(n)))) return false;
  if (row?.next_attempt_at && Date.parse(row.next_attempt_at) > now) return false;
  if (!row || row.not_after === null || row.not_before === null) return true;
  if (!sameNames(row.names, wanted.names)) return true;
  return now >= renewalTime(row.not_before, row.not_after);
}

/** The orders of the last hour, so that the renewer never orders faster than `perHour`. */
export class OrderBudget {
  private readonly times: number[] = [];

  constructor(private readonly perHour: number = DEFAULT_ORDERS_PER_HOUR) {}

  /** Takes one order from the budget; false (taking nothing) when the hour's are used up. */
  take(now: number): boolean {
    while (this.times.length > 0 && this.times[0]! <= now - 3600_000) this.times.shift();
    if (this.times.length >= this.perHour) return false;
    this.times.push(now);
    return true;
  }
}
