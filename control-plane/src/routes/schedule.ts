import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../schemas/common.js';
import { UserParams } from '../schemas/webapps.js';
import { CreateSchedule, PatchSchedule, RunsQuery, ScheduledTask, TaskParams, TaskRun } from '../schemas/tasks.js';
import type { ScheduledTaskRow } from '../store/scheduled-tasks-store.js';
import type { UserRow } from '../store/users-store.js';
import { ownerOf } from './context.js';
import { runView, scheduledView } from './task-views.js';

/** /api/v0/user/{username}/schedule/…, shaped like PythonAnywhere's, with Run now and the runs beside. */
const scheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { scheduled, clock } = app.services.tasks;
  const view = (row: ScheduledTaskRow, owner: UserRow) => scheduledView(row, owner, scheduled.latestRun(row), clock());
  const tags = ['schedule'];

  app.get('/schedule/', {
    schema: { tags, summary: 'List scheduled tasks', params: UserParams, response: responses({ 200: Type.Array(ScheduledTask) }) },
  }, async (request) => {
    const owner = ownerOf(request);
    return scheduled.list(owner).map((row) => view(row, owner));
  });

  app.post('/schedule/', {
    schema: { tags, summary: 'Create a scheduled task (daily at hour:minute or hourly at :minute, UTC)', params: UserParams, body: CreateSchedule, response: responses({ 201: ScheduledTask }) },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    return reply.status(201).send(view(scheduled.create(owner, request.body), owner));
  });

  app.get('/schedule/:id/', {
    schema: { tags, summary: 'Get a scheduled task', params: TaskParams, response: responses({ 200: ScheduledTask }) },
  }, async (request) => {
    const owner = ownerOf(request);
    return view(scheduled.get(owner, request.params.id), owner);
  });

  const patch = { schema: { tags, summary: 'Change a scheduled task (only the fields given)', params: TaskParams, body: PatchSchedule, response: responses({ 200: ScheduledTask }) } };
  for (const method of ['patch', 'put'] as const) {
    app[method]('/schedule/:id/', patch, async (request) => {
      const owner = ownerOf(request);
      return view(scheduled.update(owner, request.params.id, request.body), owner);
    });
  }

  app.delete('/schedule/:id/', {
    schema: { tags, summary: 'Delete a scheduled task (a run in progress is stopped; the log stays)', params: TaskParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await scheduled.remove(ownerOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/schedule/:id/run/', {
    schema: { tags, summary: 'Run now (Pyhost): a run at once; 409 while one is still going', params: TaskParams, response: responses({ 202: TaskRun }) },
  }, async (request, reply) => reply.status(202).send(runView(await scheduled.runNow(ownerOf(request), request.params.id))));

  app.get('/schedule/:id/runs/', {
    schema: { tags, summary: 'The latest runs, newest first (Pyhost)', params: TaskParams, querystring: RunsQuery, response: responses({ 200: Type.Array(TaskRun) }) },
  }, async (request) => scheduled.runs(ownerOf(request), request.params.id, request.query.limit).map(runView));
};

export default scheduleRoutes;
