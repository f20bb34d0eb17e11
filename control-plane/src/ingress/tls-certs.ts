import fs from 'node:fs';
import tls from 'node:tls';
import { openOwnedFile } from '../lib/no-follow.js';
import { certFilePath, MAX_CERT_FILE_BYTES, MAX_INDEX_BYTES, parseTlsIndex, tlsIndexFile } from '../domain/tls-store.js';
import type { RouterLog } from './router-log.js';
import { TLS_PROFILE } from './tls-profile.js';
import { Poller } from '../lib/poller.js';

// The router's certificates: the store the api writes (domain/tls-store.ts)
// read the way route-loader.ts reads routes.json — a stat every POLL_MS, a
// read when index.json was replaced, the last good set kept when it cannot
// be read. Each certificate becomes one SecureContext; a changed set is a
// new map, so new handshakes get the new contexts while connections already
// open keep the ones they were made with.

const POLL_MS = 250;

/**
 * The context for a handshake naming `servername`: the certificate with
 * exactly that name, else one with the wildcard one level above it
 * (`*.example.org` for `www.example.org`, not for `a.b.example.org` or
 * `example.org`); undefined when neither.
 */
export function certificateFor<T>(byName: ReadonlyMap<string, T>, servername: string): T | undefined {
  const name = servername.toLowerCase().replace(/\.$/, '');
  const exact = byName.get(name);
  if (exact !== undefined) return exact;
  const dot = name.indexOf('.');
  return dot > 0 && dot < name.length - 1 ? byName.get(`*${name.slice(dot)}`) : undefined;
}

export interface LoadedCertificate {
  readonly id: string;
  readonly names: readonly string[];
  readonly context: tls.SecureContext;
  /** The key and chain, for the server's default context. */
  readonly pem: string;
}

export interface CertificateSet {
  readonly version: number;
  readonly byName: ReadonlyMap<string, LoadedCertificate>;
  /** For handshakes without SNI or for a name nothing covers: the dashboard host's, else the first. */
  readonly fallback: LoadedCertificate | null;
}

const EMPTY: CertificateSet = { version: -1, byName: new Map(), fallback: null };

/** Reads a file of the store without following a link; it must belong to root or to this process's own uid. */
export function readStoreFile(file: string, maxBytes: number): string | null {
  const owners = [0, process.getuid?.() ?? 0];
  const fd = openOwnedFile(file, owners);
  if (fd === null) return null;
  try {
    const size = fs.fstatSync(fd).size;
    if (size > maxBytes) throw new Error(`${file} is larger than ${maxBytes} bytes`);
    const buf = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.toString('utf8', 0, at);
  } finally {
    fs.closeSync(fd);
  }
}

/** The key and the chain from one PEM file of the store. */
export function splitPem(pem: string): { key: string; cert: string } {
  const key = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (key === undefined) throw new Error('has no private key');
  if (certs === null) throw new Error('has no certificate');
  return { key, cert: certs.join('\n') };
}

export class TlsCertificates {
  private readonly poller = new Poller();
  private seen = '';
  private lastProblem = '';
  /** Problems with single certificates, reported once each. */
  private readonly certProblems = new Map<string, string>();
  /** Contexts by id and file identity: an unchanged file is not parsed again. */
  private cache = new Map<string, { key: string; cert: LoadedCertificate }>();
  current: CertificateSet = EMPTY;

  constructor(
    private readonly dataDir: string,
    /** The dashboard's host: its certificate is the default one. */
    private readonly defaultHost: string,
    private readonly log: RouterLog,
    /** Called with the new set after each change (the server's default context follows it). */
    private readonly onChange: (set: CertificateSet) => void = () => {},
    private readonly pollMs = POLL_MS,
  ) {}

  start(): void {
    this.poller.start(this.pollMs, () => this.check());
  }

  stop(): void {
    this.poller.stop();
  }

  /** The context for a handshake's SNI name; undefined: the server's default one. */
  contextFor(servername: string): tls.SecureContext | undefined {
    return certificateFor(this.current.byName, servername)?.context;
  }

  /** Re-reads the store when index.json was replaced. Never throws. */
  check(): void {
    const file = tlsIndexFile(this.dataDir);
    try {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st === undefined) {
        this.problem('missing', () => this.log.info({ file }, 'no certificates yet; HTTPS handshakes fail until the api writes some'));
        return;
      }
      const key = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (key === this.seen) return;
      const text = readStoreFile(file, MAX_INDEX_BYTES);
      if (text === null) throw new Error('index.json went away while being read');
      const index = parseTlsIndex(text);
      this.seen = key;
      this.install(index.version, index.certificates);
      if (this.lastProblem !== '') this.log.info({ certificates: this.cache.size }, 'certificates read');
      this.lastProblem = '';
    } catch (err) {
      this.problem((err as Error).message, () => this.log.warn({ err, file }, 'cannot read the certificate index; serving the last certificates'));
    }
  }

  private install(version: number, entries: readonly { id: string; names: readonly string[]; file: string }[]): void {
    const cache = new Map<string, { key: string; cert: LoadedCertificate }>();
    const byName = new Map<string, LoadedCertificate>();
    for (const entry of entries) {
      const cert = this.load(entry, cache);
      if (cert === null) continue;
      // The first entry naming a host wins, as in the index's order.
      for (const name of cert.names) if (!byName.has(name)) byName.set(name, cert);
    }
    this.cache = cache;
    const first = cache.values().next().value?.cert ?? null;
    const set: CertificateSet = { version, byName, fallback: certificateFor(byName, this.defaultHost) ?? first };
    this.current = set;
    this.onChange(set);
  }

  /** One certificate's context: from the cache when its file is unchanged, else read and parsed; the old one when the new file is bad. */
  private load(entry: { id: string; names: readonly string[]; file: string }, into: Map<string, { key: string; cert: LoadedCertificate }>): LoadedCertificate | null {
    const previous = this.cache.get(entry.id);
    const file = certFilePath(this.dataDir, entry.file);
    try {
      if (file === null) throw new Error(`is not in certs/ (${entry.file})`);
      const st = fs.statSync(file);
      const key = `${st.ino}:${st.mtimeMs}:${st.size}:${entry.names.join(',')}`;
      if (previous?.key === key) {
        into.set(entry.id, previous);
        return previous.cert;
      }
      const pem = readStoreFile(file, MAX_CERT_FILE_BYTES);
      if (pem === null) throw new Error('is missing');
      const context = tls.createSecureContext({ ...TLS_PROFILE, ...splitPem(pem) });
      const cert: LoadedCertificate = { id: entry.id, names: entry.names, context, pem };
      into.set(entry.id, { key, cert });
      if (this.certProblems.delete(entry.id)) this.log.info({ certificate: entry.id }, 'certificate readable again');
      return cert;
    } catch (err) {
      const message = (err as Error).message;
      if (this.certProblems.get(entry.id) !== message) {
        this.certProblems.set(entry.id, message);
        this.log.warn({ err, certificate: entry.id, file }, previous ? 'cannot load a certificate; serving its previous version' : 'cannot load a certificate; its names are served the default one');
      }
      if (previous) into.set(entry.id, previous);
      return previous?.cert ?? null;
    }
  }

  private problem(what: string, report: () => void): void {
    if (what === this.lastProblem) return;
    this.lastProblem = what;
    report();
  }
}
