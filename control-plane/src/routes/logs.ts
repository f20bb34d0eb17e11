import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../schemas/common.js';
import { WebappParams } from '../schemas/webapps.js';
import { DownloadQuery, LogFileSchema, LogParams, LogTailSchema, StreamQuery, TailQuery } from '../schemas/logs.js';
import { audit, endWhenAccessEnds, ownerOf, webappOf } from './context.js';

const HEARTBEAT_MS = 15_000;

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

const tags = ['logs'];

/** The app's log files, and the last lines of one. */
const logTailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { logs } = app.services;

  app.get('/webapps/:domain_name/logs/', {
    schema: { tags, summary: "The app's log files, live and rotated", params: WebappParams, response: responses({ 200: Type.Array(LogFileSchema) }) },
  }, async (request) => logs.list(ownerOf(request), webappOf(request)));

  app.get('/webapps/:domain_name/logs/:kind/', {
    schema: { tags, summary: 'The last lines of a log (or of a rotated one)', params: LogParams, querystring: TailQuery, response: responses({ 200: LogTailSchema }) },
  }, async (request) => logs.tail(ownerOf(request), webappOf(request), request.params.kind, request.query.lines, request.query.rotation));
};

/** A log file as it is on disk, as an attachment. */
const logDownloadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { logs } = app.services;

  app.get('/webapps/:domain_name/logs/:kind/download/', {
    schema: {
      tags,
      summary: 'Download a log file; rotated ones from 2 on are gzipped',
      params: LogParams,
      querystring: DownloadQuery,
      response: responses({ 200: Type.String({ description: 'the file as it is on disk' }) }),
    },
  }, async (request, reply) => {
    const file = await logs.openForDownload(ownerOf(request), webappOf(request), request.params.kind, request.query.rotation);
    return reply
      .header('Content-Type', file.name.endsWith('.gz') ? 'application/gzip' : 'text/plain; charset=utf-8')
      .header('Content-Length', String(file.size))
      .header('Content-Disposition', `attachment; filename="${file.name}"`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .header('Cache-Control', 'no-store')
      .send(file.stream as never); // a stream; the schema describes its bytes
  });
};

/** A log followed live, as Server-Sent Events. */
const logStreamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { logs } = app.services;
  // Open live streams end when the api shuts down, or close() would wait for them.
  const streams = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.abort();
  });

  app.get('/webapps/:domain_name/logs/:kind/stream/', {
    schema: {
      tags,
      summary: 'Follow a log live (text/event-stream): `lines` events carry {"lines": [...]}; the id is the offset to resume from',
      params: LogParams,
      querystring: StreamQuery,
      produces: ['text/event-stream'],
      response: responses({ 200: Type.String({ description: 'Server-Sent Events' }) }),
    },
  }, async (request, reply) => {
    const offset = resumeOffset(request.headers['last-event-id']) ?? request.query.offset ?? null;
    const abort = new AbortController();
    const batches = await logs.follow(ownerOf(request), webappOf(request), request.params.kind, offset, abort.signal);

    // From here on the connection is ours: headers and events are written by hand.
    reply.hijack();
    const res = reply.raw;
    startEventStream(res);
    streams.add(abort);
    audit(request, 200);
    const forget = endWhenAccessEnds(request, () => abort.abort());
    res.on('close', () => abort.abort());
    const deadline = setTimeout(() => abort.abort(), request.query.max_seconds * 1000);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      for await (const batch of batches) {
        // JSON keeps every line on one `data:` line whatever bytes it holds.
        const event = `id: ${batch.offset}\nevent: lines\ndata: ${JSON.stringify({ lines: batch.lines })}\n\n`;
        if (!res.write(event)) await once(res, 'drain', { signal: abort.signal }).catch(() => undefined);
      }
    } catch (err) {
      request.log.warn({ err }, 'log stream failed');
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
      streams.delete(abort);
      forget();
      res.end();
    }
  });
};

/**
 * /api/v0/user/{username}/webapps/{domain}/logs/…: Pyhost's own (PythonAnywhere
 * shows logs only as files). The tail, a live Server-Sent Events stream, the
 * rotated history, and downloads.
 */
const logRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(logTailRoutes);
  await app.register(logDownloadRoutes);
  await app.register(logStreamRoutes);
};

export default logRoutes;
