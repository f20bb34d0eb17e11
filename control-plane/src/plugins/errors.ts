import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InsufficientStorageError,
  LineErrors,
  NotFoundError,
  NotImplementedError,
  RateLimitedError,
  ReloadFailedError,
  TooLargeError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '../domain/errors.js';

/** Error body for every failure: `detail` is for people, `field` for forms. */
export interface ErrorBody {
  error: string;
  detail: string;
  field?: string;
  /** The end of the app's error log, when a reload failed. */
  log_tail?: string;
  /** Each line at fault, for input made of lines (a pasted list of accounts). */
  lines?: LineErrors['lines'];
}

function statusOf(err: DomainError): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthenticatedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof TooLargeError) return 413;
  if (err instanceof RateLimitedError) return 429;
  if (err instanceof ReloadFailedError) return 422;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof InsufficientStorageError) return 507;
  if (err instanceof UnavailableError) return 503;
  return 500;
}

const NAMES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  501: 'Not Implemented', 503: 'Service Unavailable', 507: 'Insufficient Storage',
};

interface AjvError { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

/** Turns Fastify's schema errors into "field: what is wrong". */
function describeValidation(err: FastifyError): { detail: string; field?: string } {
  const first = (err.validation?.[0] ?? {}) as AjvError;
  const pathField = (first.instancePath ?? '').split('/').filter(Boolean).join('.');
  const extra = first.params?.additionalProperty as string | undefined;
  const missing = first.params?.missingProperty as string | undefined;
  const field = extra ?? missing ?? (pathField || undefined);
  if (extra) return { detail: `unknown field "${extra}"`, field };
  if (missing) return { detail: `${missing} is required`, field };
  return { detail: `${field ?? err.validationContext ?? 'request'} ${first.message ?? 'is invalid'}`, field };
}

/**
 * A write that found the disk full, wherever in the files' code it was: the
 * account's quota (docs/disk-quotas.md), said so, rather than a 500.
 */
function diskFull(err: Error): InsufficientStorageError | null {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null;
  return new InsufficientStorageError();
}

/**
 * The one place where errors become HTTP responses. Domain errors keep their
 * message; anything unexpected is logged and answered with a generic 500.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const err: Error = diskFull(error) ?? error;
      if (err instanceof DomainError) {
        const status = statusOf(err);
        if (err instanceof RateLimitedError) void reply.header('Retry-After', String(err.retryAfterSeconds));
        const body: ErrorBody = { error: NAMES[status] ?? 'Error', detail: err.message };
        if (err instanceof ValidationError && err.field) body.field = err.field;
        if (err instanceof ReloadFailedError) body.log_tail = err.logTail;
        if (err instanceof LineErrors) body.lines = err.lines;
        if (status >= 500) request.log.warn({ err }, err.message);
        return reply.status(status).send(body);
      }
      if (error.validation) {
        return reply.status(400).send({ error: 'Bad Request', ...describeValidation(error) });
      }
      const status = error.statusCode ?? 500;
      if (status < 500) {
        return reply.status(status).send({ error: NAMES[status] ?? 'Error', detail: error.message });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: 'Internal Server Error', detail: 'Something went wrong on our side; it has been logged.' });
    });

    app.setNotFoundHandler((request, reply) => {
      return reply.status(404).send({ error: 'Not Found', detail: `no route ${request.method} ${request.url.split('?')[0]}` });
    });
  },
  { name: 'errors' },
);
