import { readOwnedFile } from '../lib/no-follow.js';

// upstream.json, written by the gateway beside app.sock
// (docs/runtime-contract.md): whether the app's server keeps connections
// alive, and how many it serves at once.

export interface UpstreamInfo {
  readonly keepAlive: boolean;
  readonly maxConnections: number;
  /** How long the router keeps an unused connection. */
  readonly idleMs: number;
}

export const CONNECTION_PER_REQUEST: UpstreamInfo = { keepAlive: false, maxConnections: Infinity, idleMs: 0 };
/** The router's idle limit for app connections: at most a quarter of the server's, and never above a second. */
export const MAX_IDLE_MS = 1000;
/** upstream.json cannot ask for more than this (the api allows 1–16 workers). */
const MAX_CONNECTIONS = 64;
/** The file is a few dozen bytes; anything much larger is not the gateway's. */
const MAX_FILE_BYTES = 4096;

/**
 * upstream.json at `file`, which must be a plain file of the app's uid
 * `owner` (it sits in a folder the app can write: a symlink or FIFO there is
 * never followed). Anything missing or odd means one connection per request.
 */
export function readUpstreamInfo(file: string, owner: number, routerProcesses = 1): UpstreamInfo {
  const text = readOwnedFile(file, owner, MAX_FILE_BYTES);
  if (text === null) return CONNECTION_PER_REQUEST;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return CONNECTION_PER_REQUEST;
  }
  const info = raw as { keep_alive?: unknown; max_connections?: unknown; idle_timeout_s?: unknown };
  const max = info.max_connections;
  const idle = info.idle_timeout_s;
  if (info.keep_alive !== true || typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_CONNECTIONS) return CONNECTION_PER_REQUEST;
  if (typeof idle !== 'number' || !(idle >= 1)) return CONNECTION_PER_REQUEST;
  const share = Math.floor(max / routerProcesses);
  if (share < 1) return CONNECTION_PER_REQUEST;
  return { keepAlive: true, maxConnections: share, idleMs: Math.min(MAX_IDLE_MS, (idle * 1000) / 4) };
}
