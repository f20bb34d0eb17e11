import crypto from 'node:crypto';
import tls from 'node:tls';
import { ValidationError } from './errors.js';

// Checks an uploaded certificate before it is served (docs/https.md, "Your
// own certificate"). Pure apart from the clock, which is passed in. Each
// refusal says what is wrong and what to do, and names the field at fault:
// `cert` (the PEM chain) or `private_key`.

/** What a checked upload is: the chain as it will be served, and its leaf's facts. */
export interface CheckedCertificate {
  /** The certificates, leaf first, re-encoded as PEM. */
  readonly chainPem: string;
  readonly keyPem: string;
  /** The leaf's DNS names (subjectAltName), lower-case. */
  readonly names: readonly string[];
  readonly issuer: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** A certificate's common name, or its whole distinguished name on one line. */
export function commonName(dn: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
}

/** The DNS names of a certificate's subjectAltName, lower-case. */
export function dnsNames(cert: crypto.X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4).toLowerCase());
}

function parseChain(certPem: string): crypto.X509Certificate[] {
  const blocks = certPem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    throw new ValidationError('cert is not a PEM certificate: paste the file whose blocks start with "-----BEGIN CERTIFICATE-----", your site\'s certificate first', 'cert');
  }
  return blocks.map((pem, i) => {
    try {
      return new crypto.X509Certificate(pem);
    } catch {
      throw new ValidationError(`certificate ${i + 1} in cert is not a readable PEM certificate; copy the file again, whole`, 'cert');
    }
  });
}

function parseKey(keyPem: string): crypto.KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyPem)) {
    throw new ValidationError('private_key is encrypted with a passphrase; decrypt it first (openssl pkey -in key.pem -out plain.pem)', 'private_key');
  }
  try {
    const key = crypto.createPrivateKey(keyPem);
    if (key.type !== 'private') throw new Error('not private');
    return key;
  } catch {
    throw new ValidationError('private_key is not a PEM private key: paste the file with one block starting "-----BEGIN PRIVATE KEY-----" (or "RSA/EC PRIVATE KEY")', 'private_key');
  }
}

function signs(issuer: crypto.X509Certificate, cert: crypto.X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

let bundledRoots: crypto.X509Certificate[] | null = null;
function roots(): crypto.X509Certificate[] {
  bundledRoots ??= tls.rootCertificates.map((pem) => new crypto.X509Certificate(pem));
  return bundledRoots;
}

/**
 * The chain is complete when each certificate is issued (and signed) by the
 * next one, and the last is a self-signed root, a CA certificate (an
 * intermediate that browsers chain to a root they hold), or issued by one of
 * the roots Node ships. A site certificate alone, issued by an intermediate
 * it does not include, is refused: browsers could not build the chain.
 */
function checkChain(chain: readonly crypto.X509Certificate[]): void {
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!signs(chain[i + 1]!, chain[i]!)) {
      throw new ValidationError(
        `the chain is broken: certificate ${i + 1} ("${commonName(chain[i]!.subject)}") is issued by "${commonName(chain[i]!.issuer)}", ` +
          `but certificate ${i + 2} is "${commonName(chain[i + 1]!.subject)}"; put the certificates in order, your site's first, each followed by its issuer`,
        'cert',
      );
    }
  }
  const last = chain[chain.length - 1]!;
  if (signs(last, last) || last.ca || roots().some((r) => signs(r, last))) return;
  throw new ValidationError(
    `the chain is incomplete: "${commonName(last.subject)}" is issued by "${commonName(last.issuer)}", which is not in cert; ` +
      'append the intermediate certificates your CA gave you (often a file called chain.pem or ca-bundle) after your site\'s certificate',
    'cert',
  );
}

/** Whether the leaf's DNS names serve `domain`: an exact name, or a wildcard for one label. */
function covers(cert: crypto.X509Certificate, domain: string): boolean {
  return cert.checkHost(domain, { subject: 'never', wildcards: true, partialWildcards: false, multiLabelWildcards: false }) !== undefined;
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * Checks that `certPem` (the site's certificate, then its chain) and
 * `keyPem` can serve `domain` at `now`; returns what to install, or throws
 * a ValidationError saying why not.
 */
export function checkUploadedCertificate(certPem: string, keyPem: string, domain: string, now: number): CheckedCertificate {
  const chain = parseChain(certPem);
  const key = parseKey(keyPem);
  const leaf = chain[0]!;
  if (!leaf.checkPrivateKey(key)) {
    const match = chain.findIndex((c) => c.checkPrivateKey(key));
    throw new ValidationError(
      match > 0
        ? `the private key belongs to certificate ${match + 1} in cert ("${commonName(chain[match]!.subject)}"); put your site's certificate first`
        : `the private key does not match the certificate for "${commonName(leaf.subject)}"; upload the key you made the certificate request with`,
      'private_key',
    );
  }
  const names = dnsNames(leaf);
  if (names.length === 0) {
    throw new ValidationError(`the certificate for "${commonName(leaf.subject)}" has no DNS names (subjectAltName), which browsers require; ask your CA for one that lists ${domain}`, 'cert');
  }
  if (!covers(leaf, domain)) {
    throw new ValidationError(`the certificate is for ${names.join(', ')}, not ${domain}; get one whose names include ${domain} (or *.${domain.split('.').slice(1).join('.')})`, 'cert');
  }
  for (const [i, c] of chain.entries()) {
    const what = i === 0 ? 'the certificate' : `certificate ${i + 1} in the chain ("${commonName(c.subject)}")`;
    const from = new Date(c.validFrom).toISOString();
    const to = new Date(c.validTo).toISOString();
    if (Date.parse(to) <= now) throw new ValidationError(`${what} expired on ${day(to)}; renew it with your CA and upload the new one`, 'cert');
    if (Date.parse(from) > now) throw new ValidationError(`${what} is not valid until ${from}; upload it then, or check the server's clock`, 'cert');
  }
  checkChain(chain);
  return {
    chainPem: chain.map((c) => c.toString().trim()).join('\n') + '\n',
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    names,
    issuer: commonName(leaf.issuer),
    subject: commonName(leaf.subject),
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}
