import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { StreamQuery } from '../schemas/logs.js';
import type { FollowBatch } from '../services/logs/log-follower.js';
import type { LogDownload } from '../services/logs/log-files.js';
import { audit, endWhenAccessEnds } from './context.js';

// The replies every log viewer's routes give (web apps' in logs.ts, tasks'
// in task-logs.ts): one file as a download, one live file as Server-Sent Events.

const HEARTBEAT_MS = 15_000;

/** A log file as it is on disk, as an attachment that no browser renders or sniffs. */
export function sendLogFile(reply: FastifyReply, file: LogDownload): FastifyReply {
  return reply
    .header('Content-Type', file.name.endsWith('.gz') ? 'application/gzip' : 'text/plain; charset=utf-8')
    .header('Content-Length', String(file.size))
    .header('Content-Disposition', `attachment; filename="${file.name}"`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'no-store')
    .send(file.stream as never); // a stream; the schema describes its bytes
}

/** The Last-Event-ID a reconnecting EventSource sends is the offset it had reached. */
function resumeOffset(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** Sends a hijacked reply's Server-Sent Events headers and its first lines. */
function startEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    'X-Content-Type-Options': 'nosniff',
    // Tells proxies in front (nginx and the like) not to buffer the stream.
    'X-Accel-Buffering': 'no',
    // A stream's connection is not reused: when it ends (max_seconds, shutdown) it closes,
    // rather than idling in keep-alive and holding up the server's close().
    Connection: 'close',
  });
  res.write('retry: 2000\n: following\n\n');
}

/** Starts following a log from `offset` (null: its end now); the service's follow(). */
export type FollowLog = (offset: number | null, signal: AbortSignal) => Promise<AsyncGenerator<FollowBatch>>;

export type StreamLog = (request: FastifyRequest, reply: FastifyReply, query: Static<typeof StreamQuery>, follow: FollowLog) => Promise<void>;

/**
 * The Server-Sent Events handler for one plugin's log streams. Open streams
 * end when the api shuts down, or close() would wait for them. `failure` is
 * the warning logged when a stream breaks.
 */
export function logStreamer(app: FastifyInstance, failure: string): StreamLog {
  const streams = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.abort();
  });
  return async (request, reply, query, follow) => {
    const offset = resumeOffset(request.headers['last-event-id']) ?? query.offset ?? null;
    const abort = new AbortController();
    // Before the hijack, so that a missing log or app is still an ordinary error reply.
    const batches = await follow(offset, abort.signal);

    // From here on the connection is ours: headers and events are written by hand.
    reply.hijack();
    const res = reply.raw;
    startEventStream(res);
    streams.add(abort);
    audit(request, 200);
    const forget = endWhenAccessEnds(request, () => abort.abort());
    res.on('close', () => abort.abort());
    const deadline = setTimeout(() => abort.abort(), query.max_seconds * 1000);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      for await (const batch of batches) {
        // JSON keeps every line on one `data:` line whatever bytes it holds.
        const event = `id: ${batch.offset}\nevent: lines\ndata: ${JSON.stringify({ lines: batch.lines })}\n\n`;
        if (!res.write(event)) await once(res, 'drain', { signal: abort.signal }).catch(() => undefined);
      }
    } catch (err) {
      request.log.warn({ err }, failure);
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
      streams.delete(abort);
      forget();
      res.end();
    }
  };
}
