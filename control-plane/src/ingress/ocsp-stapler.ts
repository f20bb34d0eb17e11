import crypto from 'node:crypto';
import http from 'node:http';
import { ocspRequest, readOcspResponse } from './ocsp-der.js';
import type { RouterLog } from './router-log.js';

// OCSP stapling (RFC 6066 §8) for the certificates whose leaf names an OCSP
// responder (Authority Information Access). A handshake never waits for
// the responder: the first ones after a certificate appears go without a
// staple while the answer is fetched in the background; once a "good"
// answer is in, it is stapled until its nextUpdate, and fetched again at
// the middle of its validity. When the responder fails, the answer in hand
// is kept (while still valid) and the fetch is retried a few minutes on.

const FETCH_TIMEOUT_MS = 10_000;
const RETRY_MS = 5 * 60_000;
/** Without a nextUpdate the answer is kept this long. */
const DEFAULT_VALIDITY_MS = 60 * 60_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Answers for certificates no handshake has asked about for this long are forgotten (a renewed certificate's predecessor). */
const FORGET_MS = 24 * 60 * 60_000;

interface Entry {
  readonly url: string | null;
  response: Buffer | null;
  validUntil: number;
  refreshAt: number;
  fetching: boolean;
  lastUsed: number;
}

/** The OCSP responder's URL of a certificate (DER), or null when it names none or only a non-HTTP one. */
export function responderUrl(certDer: Buffer): string | null {
  let info: string | undefined;
  try {
    info = new crypto.X509Certificate(certDer).infoAccess;
  } catch {
    return null;
  }
  const m = /^OCSP - URI:(http:\/\/\S+)$/m.exec(info ?? '');
  return m ? m[1]! : null;
}

export class OcspStapler {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly log: RouterLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server's 'OCSPRequest' listener. */
  readonly onRequest = (certificate: Buffer, issuer: Buffer | undefined, done: (err: Error | null, response: Buffer | null) => void): void => {
    const now = this.now();
    const key = crypto.createHash('sha256').update(certificate).digest('hex');
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { url: responderUrl(certificate), response: null, validUntil: 0, refreshAt: 0, fetching: false, lastUsed: now };
      this.entries.set(key, entry);
      this.forgetOld(now);
    }
    entry.lastUsed = now;
    if (entry.url !== null && issuer !== undefined && issuer.length > 0 && !entry.fetching && now >= entry.refreshAt) this.fetch(entry, certificate, issuer);
    done(null, entry.response !== null && now < entry.validUntil ? entry.response : null);
  };

  private fetch(entry: Entry, certificate: Buffer, issuer: Buffer): void {
    entry.fetching = true;
    let body: Buffer;
    try {
      body = ocspRequest(certificate, issuer);
    } catch (err) {
      entry.fetching = false;
      entry.refreshAt = Number.POSITIVE_INFINITY; // a certificate that cannot be read will not become readable
      this.log.warn({ err }, 'cannot build an OCSP request for a certificate; it is served without a staple');
      return;
    }
    const failed = (why: string) => {
      entry.fetching = false;
      entry.refreshAt = this.now() + RETRY_MS;
      this.log.warn({ url: entry.url, why }, 'OCSP responder did not give a usable answer; retrying later');
    };
    const req = http.request(entry.url!, { method: 'POST', headers: { 'content-type': 'application/ocsp-request', 'content-length': body.length }, timeout: FETCH_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) res.destroy(new Error('answer too large'));
        else chunks.push(c);
      });
      res.on('error', (err) => failed(err.message));
      res.on('end', () => {
        if (res.statusCode !== 200) return failed(`HTTP ${res.statusCode}`);
        const der = Buffer.concat(chunks);
        try {
          const answer = readOcspResponse(der);
          if (!answer.good) return failed('the answer is not a successful "good"');
          const now = this.now();
          const until = answer.nextUpdate ?? now + DEFAULT_VALIDITY_MS;
          if (until <= now) return failed('the answer has expired');
          entry.response = der;
          entry.validUntil = until;
          // At the middle of the answer's validity, but not more often than once a minute.
          const middle = Math.min(answer.thisUpdate, now) + (until - Math.min(answer.thisUpdate, now)) / 2;
          entry.refreshAt = Math.min(Math.max(middle, now + 60_000), until - 1);
          entry.fetching = false;
        } catch (err) {
          failed((err as Error).message);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => failed(err.message));
    req.end(body);
  }

  private forgetOld(now: number): void {
    for (const [key, e] of this.entries) if (now - e.lastUsed > FORGET_MS) this.entries.delete(key);
  }
}
