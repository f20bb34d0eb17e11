import crypto from 'node:crypto';

// Request ids: a random prefix per router process and a counter, so they are
// unique across processes and restarts without costing randomness per request.

const prefix = crypto.randomBytes(6).toString('base64url');
let counter = 0;

export function nextRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}

/** Ids from a trusted proxy are kept when they are plain enough to put in a header and a log line. */
export function isAcceptableRequestId(value: string): boolean {
  return value.length <= 128 && /^[A-Za-z0-9._:@+=/-]+$/.test(value);
}
