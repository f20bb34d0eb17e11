import type { IncomingMessage, ServerResponse } from 'node:http';
import { challengeFile, MAX_CHALLENGE_BYTES } from '../domain/tls-store.js';
import { readStoreFile } from './tls-certs.js';

// ACME HTTP-01 (RFC 8555 §8.3): the CA fetches
// http://<name>/.well-known/acme-challenge/<token> and expects the key
// authorization the api wrote to tls/challenges/<token>. Answered by the
// router itself for any host, before routing, so that a name is certified
// before any app serves it; a request for a token with no file goes on to
// the app as any other request.

const PREFIX = '/.well-known/acme-challenge/';

export function isAcmeChallenge(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.url !== undefined && req.url.startsWith(PREFIX);
}

/** Answers the challenge when its file is there; false (nothing sent) when the request should go on. */
export function answerAcmeChallenge(dataDir: string, req: IncomingMessage, res: ServerResponse): boolean {
  const file = challengeFile(dataDir, req.url!.slice(PREFIX.length));
  if (file === null) return false;
  let body: string | null;
  try {
    body = readStoreFile(file, MAX_CHALLENGE_BYTES);
  } catch {
    return false; // not a plain file of the store's owners: not a challenge the api wrote
  }
  if (body === null) return false;
  const bytes = Buffer.from(body.trim(), 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': bytes.length, 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : bytes);
  return true;
}
