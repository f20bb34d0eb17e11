// The control plane's side of docs/runtime-contract.md: the gateway's
// control.sock (status, reload) and the app.sock health probe, reached
// through the host side of the container's bind-mounted run dir.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnixHttpError, unixHttp, type UnixHttpRequest, type UnixHttpResponse } from './unix-http.js';

export const APP_SOCKET = 'app.sock';
export const CONTROL_SOCKET = 'control.sock';
export const DEFAULT_STATUS_TIMEOUT_MS = 5_000;
/** PythonAnywhere waits up to 20 s for a reload; allow for the HTTP round trip on top. */
export const DEFAULT_RELOAD_TIMEOUT_MS = 25_000;
const PROBE_INTERVAL_MS = 100;
const MAX_PROBE_ATTEMPT_MS = 2_000;

export type GatewayState = 'starting' | 'running' | 'failed';

export interface GatewayStatus {
  state: GatewayState;
  server: 'uwsgi' | 'gunicorn';
  /** Unix seconds. */
  startedAt: number;
  reloads: number;
  lastError: string | null;
}

export type ReloadResult = { ok: true; durationMs: number } | { ok: false; error: string; logTail: string };

export class GatewayError extends Error {
  override name = 'GatewayError';
}

function record(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseStatus(body: string): GatewayStatus | null {
  const o = record(body);
  if (!o) return null;
  const { state, server, started_at: startedAt, reloads, last_error: lastError } = o;
  if (state !== 'starting' && state !== 'running' && state !== 'failed') return null;
  if (server !== 'uwsgi' && server !== 'gunicorn') return null;
  if (typeof startedAt !== 'number' || typeof reloads !== 'number') return null;
  if (lastError !== null && lastError !== undefined && typeof lastError !== 'string') return null;
  return { state, server, startedAt, reloads, lastError: lastError ?? null };
}

export function parseReload(status: number, body: string): ReloadResult {
  const o = record(body);
  if (status === 200 && o?.['ok'] === true) {
    const d = o['duration_ms'];
    return { ok: true, durationMs: typeof d === 'number' ? d : 0 };
  }
  const error = typeof o?.['error'] === 'string' ? o['error'] : `gateway answered HTTP ${status} to reload`;
  const logTail = typeof o?.['log_tail'] === 'string' ? o['log_tail'] : '';
  return { ok: false, error, logTail };
}

/**
 * One request to a socket in a container's run directory. The directory is
 * the app user's (root made it, in a folder of root's), so its owner is the
 * uid every socket in it must have; the sockets themselves are never
 * reached through a link (the api is root: a symlink to docker.sock there
 * must lead nowhere).
 */
function gatewayHttp(runDir: string, socket: string, request: Omit<UnixHttpRequest, 'socketPath' | 'owner'>): Promise<UnixHttpResponse> {
  let owner: number;
  try {
    owner = fs.lstatSync(runDir).uid;
  } catch (err) {
    return Promise.reject(new UnixHttpError(`no run directory ${runDir}`, (err as NodeJS.ErrnoException).code ?? 'ENOENT'));
  }
  return unixHttp({ ...request, socketPath: path.join(runDir, socket), owner });
}

/** GET /status on control.sock. Throws GatewayError when the gateway does not answer properly. */
export async function status(runDir: string, timeoutMs = DEFAULT_STATUS_TIMEOUT_MS): Promise<GatewayStatus> {
  let res;
  try {
    res = await gatewayHttp(runDir, CONTROL_SOCKET, { method: 'GET', path: '/status', timeoutMs });
  } catch (err) {
    throw new GatewayError(`gateway status: ${(err as Error).message}`, { cause: err });
  }
  const parsed = res.status === 200 ? parseStatus(res.body) : null;
  if (!parsed) throw new GatewayError(`gateway status: unexpected answer HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  return parsed;
}

/**
 * POST /reload; resolves when the new code serves or with the error-log tail
 * when it does not. Never throws for gateway trouble: an unreachable gateway
 * is a failed reload the dashboard should show.
 */
export async function reload(runDir: string, timeoutMs = DEFAULT_RELOAD_TIMEOUT_MS): Promise<ReloadResult> {
  try {
    const res = await gatewayHttp(runDir, CONTROL_SOCKET, { method: 'POST', path: '/reload', timeoutMs });
    return parseReload(res.status, res.body);
  } catch (err) {
    const reason = err instanceof UnixHttpError && err.code === 'timeout' ? `no answer within ${timeoutMs} ms` : (err as Error).message;
    return { ok: false, error: `gateway not reachable for reload: ${reason}`, logTail: '' };
  }
}

/**
 * Does app.sock answer HTTP at all? Any status counts (a 500 or a Django 400
 * for an unknown Host still means the server loaded the app and listens).
 */
export async function probe(runDir: string, timeoutMs: number, host = 'localhost'): Promise<boolean> {
  try {
    await gatewayHttp(runDir, APP_SOCKET, { method: 'GET', path: '/', timeoutMs, host, headersOnly: true });
    return true;
  } catch {
    return false;
  }
}

/** Polls probe until app.sock answers or the deadline passes; true when it answered. */
export async function waitUntilAnswers(runDir: string, timeoutMs: number, host = 'localhost'): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    if (await probe(runDir, Math.min(left, MAX_PROBE_ATTEMPT_MS), host)) return true;
    const pause = Math.min(PROBE_INTERVAL_MS, deadline - Date.now());
    if (pause <= 0) return false;
    await sleep(pause);
  }
}
