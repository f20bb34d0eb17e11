import { once } from 'node:events';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TaskLogKind } from '../domain/task-log.js';
import { responses } from '../schemas/common.js';
import { DownloadQuery, LogTailSchema, StreamQuery, TailQuery } from '../schemas/logs.js';
import { TaskParams } from '../schemas/tasks.js';
import type { TaskLogRef } from '../services/tasks/task-log-reader.js';
import { audit, endWhenAccessEnds, ownerOf } from './context.js';

const HEARTBEAT_MS = 15_000;

const TaskLogFileSchema = Type.Object({ name: Type.String(), rotation: Type.Integer(), compressed: Type.Boolean(), size: Type.Integer(), modified: Type.String() });

/** Follows the log as Server-Sent Events, exactly as the web-app log stream does (routes/logs.ts). */
async function streamLog(request: FastifyRequest, reply: FastifyReply, ref: TaskLogRef, query: { offset?: number; max_seconds: number }, streams: Set<AbortController>) {
  const { tasks } = request.server.services;
  const header = request.headers['last-event-id'];
  const resume = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
  const abort = new AbortController();
  const batches = await tasks.logs.follow(ownerOf(request), ref, resume ?? query.offset ?? null, abort.signal);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store, no-transform', 'X-Content-Type-Options': 'nosniff', 'X-Accel-Buffering': 'no', Connection: 'close' });
  res.write('retry: 2000\n: following\n\n');
  streams.add(abort);
  audit(request, 200);
  const forget = endWhenAccessEnds(request, () => abort.abort());
  res.on('close', () => abort.abort());
  const deadline = setTimeout(() => abort.abort(), query.max_seconds * 1000);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  try {
    for await (const batch of batches) {
      if (!res.write(`id: ${batch.offset}\nevent: lines\ndata: ${JSON.stringify({ lines: batch.lines })}\n\n`)) await once(res, 'drain', { signal: abort.signal }).catch(() => undefined);
    }
  } catch (err) {
    request.log.warn({ err }, 'task log stream failed');
  } finally {
    clearTimeout(deadline);
    clearInterval(heartbeat);
    streams.delete(abort);
    forget();
    res.end();
  }
}

/**
 * …/schedule/{id}/log/… and …/always_on/{id}/log/…: a task's log for the
 * dashboard's log viewer, with the web-app log routes' answers (Pyhost's own).
 */
const taskLogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tasks } = app.services;
  const streams = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.abort();
  });
  const kinds: [string, TaskLogKind][] = [['schedule', 'scheduled'], ['always_on', 'always_on']];
  for (const [prefix, kind] of kinds) {
    const tags = [prefix];
    // The task must be the owner's: get() answers 404 for anyone else's.
    const refOf = (request: FastifyRequest): TaskLogRef => {
      const owner = ownerOf(request);
      const { id } = request.params as { id: number };
      const task = kind === 'scheduled' ? tasks.scheduled.get(owner, id) : tasks.alwaysOn.get(owner, id);
      return { kind, id: task.id };
    };
    app.get(`/${prefix}/:id/log/files/`, {
      schema: { tags, summary: "The task's log files, live and rotated", params: TaskParams, response: responses({ 200: Type.Array(TaskLogFileSchema) }) },
    }, async (request) => tasks.logs.list(ownerOf(request), refOf(request)));
    app.get(`/${prefix}/:id/log/`, {
      schema: { tags, summary: "The last lines of the task's log (or of a rotated one)", params: TaskParams, querystring: TailQuery, response: responses({ 200: LogTailSchema }) },
    }, async (request) => tasks.logs.tail(ownerOf(request), refOf(request), request.query.lines, request.query.rotation));
    app.get(`/${prefix}/:id/log/download/`, {
      schema: { tags, summary: "Download the task's log; rotated ones from 2 on are gzipped", params: TaskParams, querystring: DownloadQuery, response: responses({ 200: Type.String() }) },
    }, async (request, reply) => {
      const file = await tasks.logs.openForDownload(ownerOf(request), refOf(request), request.query.rotation);
      return reply
        .header('Content-Type', file.name.endsWith('.gz') ? 'application/gzip' : 'text/plain; charset=utf-8')
        .header('Content-Length', String(file.size))
        .header('Content-Disposition', `attachment; filename="${file.name}"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cache-Control', 'no-store')
        .send(file.stream as never);
    });
    app.get(`/${prefix}/:id/log/stream/`, {
      schema: { tags, summary: "Follow the task's log live (text/event-stream), as the web-app log stream", params: TaskParams, querystring: StreamQuery, produces: ['text/event-stream'], response: responses({ 200: Type.String() }) },
    }, async (request, reply) => streamLog(request, reply, refOf(request), request.query, streams));
  }
};

export default taskLogRoutes;
