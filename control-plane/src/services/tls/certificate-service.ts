import crypto from 'node:crypto';
import { CERT_ID_PATTERN, certFileEntry, isCertificateName, type TlsCertificateEntry } from '../../domain/tls-store.js';
import { ValidationError } from '../../domain/errors.js';
import type { CertificateRow, CertificateSource, CertificatesStore } from '../../store/certificates-store.js';
import { TlsFiles } from './tls-files.js';

/** What the Web tab shows of a domain's certificate. */
export interface CertificateDescription {
  /** The issuer's common name (or whole DN); null before the first certificate is in. */
  readonly issuer: string | null;
  readonly names: readonly string[];
  readonly not_after: string | null;
  readonly source: CertificateSource;
  /** Why the last order failed, in words; null when it did not. */
  readonly last_error: string | null;
}

/** A parsed PEM chain's leaf: what the store records of it. */
export interface LeafFacts {
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** Whether a certificate for `names` serves `domain` (an exact name, or a one-level wildcard). */
export function covers(names: readonly string[], domain: string): boolean {
  const d = domain.toLowerCase();
  return names.some((n) => n === d || (n.startsWith('*.') && d.endsWith(n.slice(1)) && !d.slice(0, d.length - n.length + 1).includes('.')));
}

/** The leaf (first certificate) of a PEM chain, checked against its private key. */
export function leafFacts(keyPem: string, chainPem: string): LeafFacts {
  let leaf: crypto.X509Certificate;
  try {
    leaf = new crypto.X509Certificate(chainPem);
  } catch {
    throw new ValidationError('the certificate is not a PEM certificate chain');
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(keyPem);
  } catch {
    throw new ValidationError('the private key is not a PEM private key');
  }
  if (!leaf.checkPrivateKey(key)) throw new ValidationError('the private key does not match the certificate');
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(leaf.issuer)?.[1];
  return { issuer: cn ?? leaf.issuer.replace(/\n/g, ', '), notBefore: new Date(leaf.validFrom).toISOString(), notAfter: new Date(leaf.validTo).toISOString() };
}

/**
 * The TLS certificates under PYHOST_DATA/tls (read by the router) and their
 * rows. A certificate's file is replaced whole, so a renewal never leaves a
 * moment without one; the index lists the certificates that have a file.
 */
export class CertificateService {
  readonly files: TlsFiles;

  constructor(
    dataDir: string,
    ingressUid: number,
    private readonly store: CertificatesStore,
  ) {
    this.files = new TlsFiles(dataDir, ingressUid);
  }

  /**
   * Puts certificate `id` (key, then the chain leaf first) in the store,
   * replacing the one of that id, and lists it in the index.
   */
  install(id: string, names: readonly string[], keyPem: string, chainPem: string, source: CertificateSource, owner = 'dashboard'): CertificateRow {
    if (!CERT_ID_PATTERN.test(id)) throw new ValidationError(`"${id}" is not a certificate id (a-z, 0-9 and -)`);
    const lower = names.map((n) => n.toLowerCase());
    if (lower.length === 0 || !lower.every(isCertificateName)) throw new ValidationError(`not host names: ${names.join(', ')}`);
    const facts = leafFacts(keyPem, chainPem);
    this.files.writeCertificate(id, keyPem, chainPem);
    this.store.installed({ id, names: lower, source, owner, issuer: facts.issuer, not_before: facts.notBefore, not_after: facts.notAfter });
    this.publish();
    return this.store.byId(id)!;
  }

  /** Takes certificate `id` out of the index, then deletes its file and row. */
  remove(id: string): void {
    const row = this.store.byId(id);
    if (!row) return;
    this.store.remove(id);
    this.publish();
    this.files.removeCertificate(id);
  }

  all(): CertificateRow[] {
    return this.store.all();
  }

  /** The certificate that serves `domain`: an uploaded one before an issued one, then the one valid longest; rows still waiting for their first certificate count last. */
  ofDomain(domain: string): CertificateRow | undefined {
    return servingRow(this.store.all(), domain);
  }

  /** Whether the router has an unexpired certificate for `domain` (its own or a covering wildcard). */
  servesHttps(domain: string, now = Date.now()): boolean {
    return this.httpsLookup(now)(domain);
  }

  /**
   * servesHttps for a list of sites: the rows are read once, when it is
   * made, not once a site. Made per request, so that no write to the rows
   * (the renewer records its attempts in the store itself) can leave it stale.
   */
  httpsLookup(now = Date.now()): (domain: string) => boolean {
    const rows = this.store.all();
    return (domain) => {
      const notAfter = servingRow(rows, domain)?.not_after;
      return notAfter != null && Date.parse(notAfter) > now;
    };
  }

  describe(domain: string): CertificateDescription | null {
    const row = this.ofDomain(domain);
    if (!row) return null;
    return { issuer: row.issuer, names: namesOf(row), not_after: row.not_after, source: row.source, last_error: row.last_error };
  }

  /** Rewrites index.json from the rows that have a certificate. */
  publish(): number {
    // The first listed wins a name both carry: uploaded certificates come before issued ones.
    const entries: TlsCertificateEntry[] = this.store
      .all()
      .filter((r) => r.not_after !== null)
      .sort((a, b) => Number(b.source === 'upload') - Number(a.source === 'upload') || a.id.localeCompare(b.id))
      .map((r) => ({ id: r.id, names: namesOf(r), file: certFileEntry(r.id), not_after: r.not_after! }));
    return this.files.writeIndex(entries);
  }
}

function servingRow(rows: readonly CertificateRow[], domain: string): CertificateRow | undefined {
  const rank = (r: CertificateRow) => (r.not_after ? 2 : 0) + (r.source === 'upload' ? 1 : 0);
  return rows
    .filter((r) => covers(namesOf(r), domain))
    .sort((a, b) => rank(b) - rank(a) || (b.not_after ?? '').localeCompare(a.not_after ?? ''))[0];
}

export function namesOf(row: Pick<CertificateRow, 'names'>): string[] {
  return JSON.parse(row.names) as string[];
}
