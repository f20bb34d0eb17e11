// docker-modem rejects with plain Errors carrying `statusCode` and the
// engine's JSON body; socket failures carry a Node `code`. These helpers turn
// both into RuntimeErrors with a message a person can act on.
import { RuntimeError, type RuntimeErrorCode } from './container-runtime.js';

interface DockerishError {
  statusCode?: unknown;
  code?: unknown;
  json?: unknown;
  message?: unknown;
}

const UNAVAILABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function statusCodeOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as DockerishError).statusCode;
  return typeof code === 'number' ? code : null;
}

/** The engine's own message ("No such image: x") rather than docker-modem's prefix. */
export function engineMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as DockerishError;
  if (typeof e.json === 'object' && e.json !== null) {
    const m = (e.json as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') return m;
  }
  return typeof e.message === 'string' ? e.message.trim() : String(err);
}

export function toRuntimeError(
  operation: string,
  err: unknown,
  byStatus: Partial<Record<number, RuntimeErrorCode>> = {},
): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const status = statusCodeOf(err);
  const nodeCode = typeof err === 'object' && err !== null ? (err as DockerishError).code : undefined;
  if (status === null && typeof nodeCode === 'string' && UNAVAILABLE_CODES.has(nodeCode)) {
    return new RuntimeError('unavailable', `${operation}: Docker Engine not reachable (${nodeCode}): ${engineMessage(err)}`, null, {
      cause: err,
    });
  }
  const code = (status !== null ? byStatus[status] : undefined) ?? 'engine_error';
  const suffix = status !== null ? ` (HTTP ${status})` : '';
  return new RuntimeError(code, `${operation}: ${engineMessage(err)}${suffix}`, status, { cause: err });
}
