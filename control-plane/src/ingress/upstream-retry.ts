// When an app's socket cannot be reached the request is held and retried
// rather than failed: during an in-place reload the gateway renames a new
// socket over app.sock, during a container replacement the route switches
// to a new generation and the old container goes away, and an app that is
// starting has no socket yet. All of these last well under the wait limit.

/** Connect errors that mean "not there yet / any more": worth waiting for. */
const NOT_THERE = new Set(['ENOENT', 'ECONNREFUSED', 'EAGAIN', 'ENOTDIR']);
/** Errors after connecting but before any answer: a request without a body may be sent again. */
const CUT_OFF = new Set(['ECONNRESET', 'EPIPE']);

export function isNotThere(err: unknown): boolean {
  return NOT_THERE.has((err as NodeJS.ErrnoException).code ?? '');
}

export function isCutOff(err: unknown): boolean {
  return CUT_OFF.has((err as NodeJS.ErrnoException).code ?? '');
}

/** 10, 20, 40 … ms, at most 200 ms: quick while a socket is being swapped, gentle while an app starts. */
export function retryDelay(attempt: number): number {
  return Math.min(10 * 2 ** attempt, 200);
}

/**
 * How often a request held for a waking app looks again. Its wake takes a
 * few hundred ms, so the backoff's 200 ms steps would add up to 200 ms to
 * each wake; a look is a table lookup and a connect that fails at once.
 */
export const WAKE_RETRY_MS = 10;

/** Resends after a cut-off connection are bounded by count as well as by the wait. */
export const MAX_RESENDS = 5;
