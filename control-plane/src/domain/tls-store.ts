import path from 'node:path';

// The certificate store: the one contract between the side that writes
// certificates (the api: ACME issuance, uploads) and the router, which only
// reads them. Paths, modes and the index's JSON shape live here and nowhere
// else; docs/https.md describes the same contract in words.
//
//   PYHOST_DATA/tls/                 root:<ingress uid>  0750
//     index.json                     root:<ingress uid>  0640  (replaced atomically: temp file + rename)
//     certs/<id>.pem                 root:<ingress uid>  0640  private key (PEM), then the chain, leaf first
//     challenges/<token>             root:<ingress uid>  0640  HTTP-01 key authorization
//
// The ingress gid is the same number as its uid (config.ingressUid). The
// router opens every one of these without following links.

/** Mode of tls/, tls/certs/ and tls/challenges/. */
export const TLS_DIR_MODE = 0o750;
/** Mode of index.json, certs/<id>.pem and challenges/<token>. */
export const TLS_FILE_MODE = 0o640;

/** A certificate's id: its file's name without `.pem`. */
export const CERT_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
/** An ACME HTTP-01 token (base64url, RFC 8555 §8.3). */
export const CHALLENGE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** An index for thousands of certificates stays well under this. */
export const MAX_INDEX_BYTES = 16 * 1024 * 1024;
/** A key plus a chain of a few certificates. */
export const MAX_CERT_FILE_BYTES = 256 * 1024;
/** A key authorization is token + "." + a 43-character thumbprint. */
export const MAX_CHALLENGE_BYTES = 1024;

export function tlsDir(dataDir: string): string {
  return path.join(dataDir, 'tls');
}

export function tlsIndexFile(dataDir: string): string {
  return path.join(tlsDir(dataDir), 'index.json');
}

export function tlsCertsDir(dataDir: string): string {
  return path.join(tlsDir(dataDir), 'certs');
}

export function tlsChallengesDir(dataDir: string): string {
  return path.join(tlsDir(dataDir), 'challenges');
}

/** The value of an index entry's `file` for certificate `id` (relative to tls/). */
export function certFileEntry(id: string): string {
  return `certs/${id}.pem`;
}

/** The absolute path of an index entry's file; null when `file` is not `certs/<id>.pem` of a valid id. */
export function certFilePath(dataDir: string, file: string): string | null {
  const m = /^certs\/([a-z0-9-]{1,64})\.pem$/.exec(file);
  return m ? path.join(tlsCertsDir(dataDir), `${m[1]}.pem`) : null;
}

/** The absolute path of challenge `token`'s file; null for a token that is not one. */
export function challengeFile(dataDir: string, token: string): string | null {
  return CHALLENGE_TOKEN_PATTERN.test(token) ? path.join(tlsChallengesDir(dataDir), token) : null;
}

export interface TlsCertificateEntry {
  readonly id: string;
  /** Lower-case host names, each exact (`example.org`) or a one-level wildcard (`*.example.org`). */
  readonly names: readonly string[];
  /** `certs/<id>.pem`, relative to tls/. */
  readonly file: string;
  /** ISO 8601 time after which the leaf certificate is no longer valid. */
  readonly not_after: string;
}

export interface TlsIndex {
  /** Grows whenever anything in the index changes. */
  readonly version: number;
  readonly certificates: readonly TlsCertificateEntry[];
}

export class TlsIndexFormatError extends Error {
  override name = 'TlsIndexFormatError';
}

const NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A name a certificate entry may carry: a lower-case host name, or `*.` and one. */
export function isCertificateName(name: string): boolean {
  return name.length <= 253 && NAME.test(name);
}

function entry(v: unknown, i: number): TlsCertificateEntry {
  const r = v as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) throw new TlsIndexFormatError(`certificate ${i} is not an object`);
  const { id, names, file, not_after: notAfter } = r;
  if (typeof id !== 'string' || !CERT_ID_PATTERN.test(id)) throw new TlsIndexFormatError(`certificate ${i} has no valid id`);
  if (!Array.isArray(names) || names.length === 0 || !names.every((n): n is string => typeof n === 'string' && isCertificateName(n))) {
    throw new TlsIndexFormatError(`certificate ${id} has no valid names`);
  }
  if (file !== certFileEntry(id)) throw new TlsIndexFormatError(`certificate ${id}'s file is not ${certFileEntry(id)}`);
  if (typeof notAfter !== 'string' || Number.isNaN(Date.parse(notAfter))) throw new TlsIndexFormatError(`certificate ${id} has no valid not_after`);
  return { id, names: [...names], file, not_after: notAfter };
}

/** Parses index.json; throws TlsIndexFormatError on anything that is not the contract's shape. */
export function parseTlsIndex(text: string): TlsIndex {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new TlsIndexFormatError('index.json is not JSON');
  }
  const r = v as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new TlsIndexFormatError('index.json is not an object');
  if (typeof r.version !== 'number' || !Number.isInteger(r.version)) throw new TlsIndexFormatError('index.json has no integer version');
  if (!Array.isArray(r.certificates)) throw new TlsIndexFormatError('index.json has no certificates list');
  const certificates = r.certificates.map(entry);
  const ids = new Set<string>();
  for (const c of certificates) {
    if (ids.has(c.id)) throw new TlsIndexFormatError(`certificate ${c.id} is listed twice`);
    ids.add(c.id);
  }
  return { version: r.version, certificates };
}

/** What the writer puts in index.json (with a trailing newline). */
export function serializeTlsIndex(index: TlsIndex): string {
  return `${JSON.stringify({ version: index.version, certificates: index.certificates.map((c) => ({ id: c.id, names: c.names, file: c.file, not_after: c.not_after })) }, null, 2)}\n`;
}
