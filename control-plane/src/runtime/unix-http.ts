// One bounded HTTP exchange over a unix socket. node:http rather than a
// pooled client: every call opens its own connection and always closes it
// (the control socket speaks HTTP/1.0 anyway), so nothing can leak, and one
// deadline covers connect + headers + body — a user's app on app.sock can
// stall or stream forever and must not hold the control plane.
import http from 'node:http';
import { connectOwnedSocket } from '../lib/no-follow.js';

/** Linux sun_path is 108 bytes including the terminating NUL. */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

export interface UnixHttpRequest {
  socketPath: string;
  method: 'GET' | 'POST' | 'HEAD';
  path: string;
  timeoutMs: number;
  host?: string;
  /** Resolve as soon as the status line and headers arrive; the body is discarded. */
  headersOnly?: boolean;
  /** Bodies beyond this are an error (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * The socket is in a folder a user can write: connect only if it is a
   * socket of this uid, never through a symlink (lib/no-follow.ts).
   */
  owner?: number;
}

export interface UnixHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class UnixHttpError extends Error {
  override name = 'UnixHttpError';
  constructor(
    message: string,
    /** 'timeout' | 'too_large' | a Node errno code like 'ENOENT' / 'ECONNREFUSED' | 'path_too_long' */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function unixHttp(req: UnixHttpRequest): Promise<UnixHttpResponse> {
  const maxBody = req.maxBodyBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (Buffer.byteLength(req.socketPath) > MAX_UNIX_SOCKET_PATH_BYTES) {
      reject(new UnixHttpError(`socket path longer than ${MAX_UNIX_SOCKET_PATH_BYTES} bytes: ${req.socketPath}`, 'path_too_long'));
      return;
    }
    let settled = false;
    const finish = (err: UnixHttpError | null, res?: UnixHttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (err) reject(err);
      else resolve(res as UnixHttpResponse);
    };
    const owner = req.owner;
    const request = http.request({
      socketPath: req.socketPath,
      ...(owner === undefined ? {} : { createConnection: () => connectOwnedSocket(req.socketPath, owner) }),
      method: req.method,
      path: req.path,
      agent: false,
      headers: { host: req.host ?? 'localhost', connection: 'close' },
    });
    const timer = setTimeout(() => {
      finish(new UnixHttpError(`no complete answer on ${req.socketPath} within ${req.timeoutMs} ms`, 'timeout'));
    }, req.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => {
      finish(new UnixHttpError(`${req.method} ${req.path} on ${req.socketPath}: ${err.message}`, err.code ?? 'error', { cause: err }));
    });
    request.on('response', (res) => {
      if (req.headersOnly) {
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          finish(new UnixHttpError(`answer on ${req.socketPath} exceeds ${maxBody} bytes`, 'too_large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        finish(new UnixHttpError(`reading answer on ${req.socketPath}: ${err.message}`, err.code ?? 'error', { cause: err }));
      });
    });
    request.end();
  });
}
