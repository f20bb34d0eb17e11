import { constants as fsc, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { userDirs } from '../domain/layout.js';
import { confine, mapVisiblePath } from '../lib/path-confinement.js';
import { contentType } from './mime-types.js';
import { pages, sendPage } from './pages.js';
import type { AppRoute, StaticMapping } from './route-table.js';

// Static file mappings, served by the router itself (as nginx does on
// PythonAnywhere). A mapping turns a URL prefix into a folder the user sees
// (/home/<u>/…, /var/www/…, /var/log/…); the same confinement as the files
// API applies: no "..", no encoded tricks, no symlink out of the user's
// folders, no directory listings. And whatever a check on paths said, the
// file that is finally opened (without following a link, without blocking
// on a FIFO) is served only if it belongs to the app's own user: a folder
// swapped for a symlink between the check and the open cannot lead to
// another user's file. What is not servable is a 404.

export interface StaticHit {
  readonly mapping: StaticMapping;
  /** The decoded rest of the URL path after the mapping's prefix. */
  readonly rest: string;
  /** The path ends in "/": only a folder could match, and folders are never served (as nginx answers). */
  readonly folder: boolean;
}

export interface Served {
  readonly status: number;
  readonly bytes: number;
}

/** The mapping a request path falls under, if any (mappings are sorted longest first). */
export function findStaticMapping(route: AppRoute, url: string): StaticHit | 'bad-path' | null {
  if (route.staticFiles.length === 0) return null;
  const q = url.indexOf('?');
  let pathname = q < 0 ? url : url.slice(0, q);
  if (pathname.includes('%')) {
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      return 'bad-path';
    }
  }
  const folder = pathname.endsWith('/');
  for (const mapping of route.staticFiles) {
    const { url: prefix } = mapping;
    if (prefix.endsWith('/')) {
      if (pathname.startsWith(prefix)) return { mapping, rest: pathname.slice(prefix.length), folder };
    } else if (pathname === prefix) {
      return { mapping, rest: '', folder };
    } else if (pathname.startsWith(`${prefix}/`)) {
      return { mapping, rest: pathname.slice(prefix.length + 1), folder };
    }
  }
  return null;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, route: AppRoute, hit: StaticHit, dataDir: string): Promise<Served> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, bytes: sendPage(res, 405, pages.methodNotAllowed(), { Allow: 'GET, HEAD' }) };
  }
  const file = hit.folder ? null : await resolve(route, hit, dataDir);
  const handle = file ? await fs.open(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK).catch(() => null) : null;
  if (!handle) return notFound(res);
  let streaming = false;
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.uid !== route.uid) return notFound(res);
    const etag = `"${Math.floor(st.mtimeMs).toString(16)}-${st.size.toString(16)}"`;
    const lastModified = st.mtime.toUTCString();
    const validators = { ETag: etag, 'Last-Modified': lastModified };
    if (notModified(req, st, etag)) {
      res.writeHead(304, validators);
      res.end();
      return { status: 304, bytes: 0 };
    }
    const range = wantedRange(req, st.size, etag, lastModified);
    if (range === 'unsatisfiable') {
      return { status: 416, bytes: sendPage(res, 416, pages.rangeNotSatisfiable(), { 'Content-Range': `bytes */${st.size}` }) };
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : st.size - 1;
    const length = st.size === 0 ? 0 : end - start + 1;
    res.writeHead(range ? 206 : 200, {
      ...validators,
      'Content-Type': contentType(file!),
      'Content-Length': String(length),
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${st.size}` } : {}),
    });
    const status = range ? 206 : 200;
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return { status, bytes: 0 };
    }
    streaming = true;
    try {
      await pipeline(handle.createReadStream({ start, end, autoClose: true }), res);
    } catch {
      // The client went away mid-file, or the file shrank: the connection is already cut.
      res.destroy();
    }
    return { status, bytes: length };
  } finally {
    if (!streaming) await handle.close();
  }
}

/** The real host path of the requested file, or null when it is not the user's to serve. */
async function resolve(route: AppRoute, hit: StaticHit, dataDir: string): Promise<string | null> {
  const base = hit.mapping.path.replace(/\/+$/, '');
  const visible = hit.rest === '' ? base : `${base}/${hit.rest}`;
  try {
    const mapped = mapVisiblePath(route.username, userDirs(dataDir, route.username), visible);
    return await confine(mapped, { followLast: true });
  } catch {
    return null; // "..", NUL, outside the user's folders, a symlink leading out, or nothing there
  }
}

function notFound(res: ServerResponse): Served {
  return { status: 404, bytes: sendPage(res, 404, pages.notFound()) };
}

function notModified(req: IncomingMessage, st: Stats, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm.split(',').some((t) => {
      const tag = t.trim();
      return tag === '*' || tag.replace(/^W\//, '') === etag;
    });
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(st.mtimeMs / 1000) <= Math.floor(since / 1000);
}

/** One byte range (RFC 9110 §14); several ranges or a malformed header mean "the whole file". */
function wantedRange(req: IncomingMessage, size: number, etag: string, lastModified: string): { start: number; end: number } | 'unsatisfiable' | null {
  const header = req.headers.range;
  if (header === undefined) return null;
  const ifRange = req.headers['if-range'];
  if (typeof ifRange === 'string' && ifRange.trim() !== etag && ifRange.trim() !== lastModified) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Number(m[2]);
  if (last < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}
