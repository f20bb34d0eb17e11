import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { TaskLogKind } from '../domain/task-log.js';
import { responses } from '../schemas/common.js';
import { DownloadQuery, LogTailSchema, StreamQuery, TailQuery } from '../schemas/logs.js';
import { TaskParams } from '../schemas/tasks.js';
import type { TaskLogRef } from '../services/tasks/task-log-reader.js';
import { ownerOf } from './context.js';
import { logStreamer, sendLogFile } from './log-replies.js';

const TaskLogFileSchema = Type.Object({ name: Type.String(), rotation: Type.Integer(), compressed: Type.Boolean(), size: Type.Integer(), modified: Type.String() });

/**
 * …/schedule/{id}/log/… and …/always_on/{id}/log/…: a task's log for the
 * dashboard's log viewer, with the web-app log routes' answers (Pyhost's own).
 */
const taskLogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tasks } = app.services;
  const streamLog = logStreamer(app, 'task log stream failed');
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
      return sendLogFile(reply, file);
    });
    app.get(`/${prefix}/:id/log/stream/`, {
      schema: { tags, summary: "Follow the task's log live (text/event-stream), as the web-app log stream", params: TaskParams, querystring: StreamQuery, produces: ['text/event-stream'], response: responses({ 200: Type.String() }) },
    }, async (request, reply) => {
      const ref = refOf(request);
      return streamLog(request, reply, request.query, (offset, signal) => tasks.logs.follow(ownerOf(request), ref, offset, signal));
    });
  }
};

export default taskLogRoutes;
