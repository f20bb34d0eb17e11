// The one way the dashboard talks to Pyhost: the same REST API scripts use.
// Cookie-authenticated writes carry the CSRF token from GET /api/auth/me.

/** One refused line of a pasted list (bulk account creation), numbered from 1. */
export interface LineError {
  line: number;
  text: string;
  error: string;
}

/** An error answer from the API: `detail` is for people, `field` names the input at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly field?: string,
    /** The end of the app's error log, when a reload failed. */
    readonly logTail?: string,
    /** Each refused line, when a pasted list was refused. */
    readonly lines?: LineError[],
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Remembered from /api/auth/me (or login/sign-up) and sent on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is (multipart uploads). */
  body?: FormData;
  signal?: AbortSignal;
}

/**
 * A 409 for going over one of the account's limits, which names it as
 * `(limit "webapps")` (docs/classroom.md, "Limits").
 */
export function isLimitRefusal(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409 && /\(limit "[a-z_]+"\)/.test(err.detail);
}

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: string; field?: string; log_tail?: string; lines?: LineError[] };
    if (typeof body.detail === 'string') return new ApiError(res.status, body.detail, body.field, body.log_tail, Array.isArray(body.lines) ? body.lines : undefined);
  } catch {
    // Not JSON (a proxy's error page, say): fall through to a generic message.
  }
  return new ApiError(res.status, `The server answered ${res.status} ${res.statusText}`.trim());
}

/** Sends a request; resolves with the raw Response when it succeeded, throws ApiError otherwise. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.body) {
    body = options.body;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, signal: options.signal, credentials: 'same-origin' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'Could not reach Pyhost. Check your connection and try again.');
  }
  if (!res.ok) throw await toError(res);
  return res;
}

/** A request whose answer is JSON (or nothing, for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const userPath = (version: 'v0' | 'v1', username: string, segments: string[]) =>
  `/api/${version}/user/${encodeURIComponent(username)}/${segments.map(encodeURIComponent).join('/')}`;

/** Builds /api/v0/user/{username}/… with every path segment encoded. */
export function userApi(username: string, ...segments: string[]): string {
  return userPath('v0', username, segments);
}

/** Builds /api/v1/user/{username}/… (PythonAnywhere's API v1: websites) with every path segment encoded. */
export function userApiV1(username: string, ...segments: string[]): string {
  return userPath('v1', username, segments);
}

/** A user-visible path (/home/alice/x.py) as the tail of a files/path URL, each segment encoded. */
export function encodePath(visiblePath: string): string {
  return visiblePath.split('/').map(encodeURIComponent).join('/');
}
