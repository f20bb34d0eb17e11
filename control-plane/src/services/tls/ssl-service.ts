import { checkUploadedCertificate } from '../../domain/certificate-check.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { CertificateRow, CertificateSource } from '../../store/certificates-store.js';
import { namesOf } from './certificate-service.js';

/**
 * What the ssl/ endpoints need of the certificate store: CertificateService
 * implements it; tests may pass a smaller one.
 */
export interface CertificateInstaller {
  install(id: string, names: readonly string[], keyPem: string, chainPem: string, source: CertificateSource, owner?: string): CertificateRow;
  remove(id: string): void;
  all(): CertificateRow[];
}

/** A web app or a website, as far as its certificate goes. */
export interface SslSite {
  readonly kind: 'webapp' | 'website';
  readonly id: number;
  readonly domain_name: string;
}

/** `cert_type` as PythonAnywhere names it: an automatic certificate, or one you uploaded. */
export type CertType = 'letsencrypt-auto-renew' | 'manual';

/** What GET …/ssl/ answers (the names PythonAnywhere's clients read, then Pyhost's own). */
export interface SslInfo {
  readonly cert_type: CertType;
  /** ISO 8601; null while an automatic certificate is still being ordered. */
  readonly not_after: string | null;
  readonly not_before: string | null;
  readonly issuer_name: string | null;
  /** The names the certificate serves. */
  readonly subject_alternate_names: string[];
  readonly domains: string[];
  /** Why the last automatic order failed, in words; null when it did not. */
  readonly last_error: string | null;
}

/** The store id of a site's uploaded certificate; an automatic one is `<kind>-<id>` (domain/renewal-policy.ts). */
export const uploadId = (site: SslSite): string => `upload-${site.kind}-${site.id}`;
const autoId = (site: SslSite): string => `${site.kind}-${site.id}`;
const ownerOf = (site: SslSite): string => `${site.kind}:${site.id}`;

function info(row: CertificateRow): SslInfo {
  const names = namesOf(row);
  return {
    cert_type: row.source === 'acme' ? 'letsencrypt-auto-renew' : 'manual',
    not_after: row.not_after,
    not_before: row.not_before,
    issuer_name: row.issuer,
    subject_alternate_names: names,
    domains: [...names],
    last_error: row.last_error,
  };
}

/**
 * PythonAnywhere's ssl/ endpoints for a web app or website: upload your own
 * certificate (checked first: domain/certificate-check.ts), go back to the
 * automatic one, or remove the certificate.
 */
export class SslService {
  constructor(
    private readonly certificates: CertificateInstaller,
    /** Whether this instance orders certificates by ACME (PYHOST_ACME_DIRECTORY). */
    private readonly acmeEnabled: boolean,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The site's own certificate: the uploaded one, else the automatic one. */
  get(site: SslSite): SslInfo {
    const row = this.rowOf(site);
    if (!row) {
      const how = this.acmeEnabled ? 'the automatic one is ordered once the site is enabled' : 'upload one with POST cert and private_key';
      throw new NotFoundError(`${site.domain_name} has no certificate yet; ${how}`);
    }
    return info(row);
  }

  /** Checks and installs an uploaded certificate; it is served from then on, ahead of the automatic one. */
  upload(site: SslSite, certPem: string, keyPem: string): SslInfo {
    const checked = checkUploadedCertificate(certPem, keyPem, site.domain_name, this.clock());
    return info(this.certificates.install(uploadId(site), [...checked.names], checked.keyPem, checked.chainPem, 'upload', ownerOf(site)));
  }

  /** `cert_type: letsencrypt-auto-renew`: the uploaded certificate goes; the renewer orders and renews one. */
  autoRenew(site: SslSite): void {
    if (!this.acmeEnabled) {
      throw new ValidationError('this instance does not issue certificates automatically (an administrator sets PYHOST_ACME_DIRECTORY and PYHOST_ACME_EMAIL); upload cert and private_key instead', 'cert_type');
    }
    this.certificates.remove(uploadId(site));
  }

  /**
   * Removes the site's certificates, uploaded and automatic. Where ACME is
   * on, the renewer orders a new automatic one on its next round.
   */
  remove(site: SslSite): void {
    if (!this.rowOf(site)) throw new NotFoundError(`${site.domain_name} has no certificate to delete`);
    this.certificates.remove(uploadId(site));
    this.certificates.remove(autoId(site));
  }

  /** The site's own certificate (another's may cover its name too: a wildcard): the uploaded one, else the automatic one. */
  private rowOf(site: SslSite): CertificateRow | undefined {
    const rows = this.certificates.all();
    return rows.find((r) => r.id === uploadId(site)) ?? rows.find((r) => r.id === autoId(site));
  }
}
