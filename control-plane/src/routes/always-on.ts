import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { paLogfile } from '../domain/task-log.js';
import { responses } from '../schemas/common.js';
import { UserParams } from '../schemas/webapps.js';
import { AlwaysOnTask, CreateAlwaysOn, PatchAlwaysOn, TaskParams } from '../schemas/tasks.js';
import type { AlwaysOnRow } from '../store/always-on-store.js';
import type { UserRow } from '../store/users-store.js';
import { ownerOf } from './context.js';

/** /api/v0/user/{username}/always_on/…, shaped like PythonAnywhere's, with stop/ and start/ beside restart/. */
const alwaysOnRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { alwaysOn, clock } = app.services.tasks;
  const tags = ['always_on'];

  const view = (row: AlwaysOnRow, owner: UserRow): Static<typeof AlwaysOnTask> => {
    const now = alwaysOn.now(row, owner);
    return {
      id: row.id,
      url: `/api/v0/user/${owner.username}/always_on/${row.id}/`,
      user: owner.username,
      command: row.command,
      description: row.description,
      enabled: row.enabled === 1,
      state: now.state,
      logfile: paLogfile(owner.username, 'always_on', row.id),
      reason: now.reason,
      started_at: now.startedAt,
      uptime_seconds: now.startedAt === null ? null : Math.max(0, Math.floor((clock() - Date.parse(now.startedAt)) / 1000)),
      restarts: now.restarts,
      last_exit_code: now.lastExitCode,
      created_at: row.created_at,
    };
  };

  app.get('/always_on/', {
    schema: { tags, summary: 'List always-on tasks', params: UserParams, response: responses({ 200: Type.Array(AlwaysOnTask) }) },
  }, async (request) => {
    const owner = ownerOf(request);
    return alwaysOn.list(owner).map((row) => view(row, owner));
  });

  app.post('/always_on/', {
    schema: { tags, summary: 'Create an always-on task and start it', params: UserParams, body: CreateAlwaysOn, response: responses({ 201: AlwaysOnTask }) },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    return reply.status(201).send(view(await alwaysOn.create(owner, request.body), owner));
  });

  app.get('/always_on/:id/', {
    schema: { tags, summary: 'Get an always-on task', params: TaskParams, response: responses({ 200: AlwaysOnTask }) },
  }, async (request) => {
    const owner = ownerOf(request);
    return view(alwaysOn.get(owner, request.params.id), owner);
  });

  const patch = { schema: { tags, summary: 'Change an always-on task (it restarts with the new settings)', params: TaskParams, body: PatchAlwaysOn, response: responses({ 200: AlwaysOnTask }) } };
  for (const method of ['patch', 'put'] as const) {
    app[method]('/always_on/:id/', patch, async (request) => {
      const owner = ownerOf(request);
      return view(await alwaysOn.update(owner, request.params.id, request.body), owner);
    });
  }

  app.delete('/always_on/:id/', {
    schema: { tags, summary: 'Stop and delete an always-on task (the log stays)', params: TaskParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await alwaysOn.remove(ownerOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  const actions = {
    restart: { summary: 'Restart it (a crashed one too)', run: (o: UserRow, id: number) => alwaysOn.restart(o, id) },
    stop: { summary: 'Stop it and keep it (Pyhost; enabled becomes false)', run: (o: UserRow, id: number) => alwaysOn.setEnabled(o, id, false) },
    start: { summary: 'Start it again (Pyhost; enabled becomes true)', run: (o: UserRow, id: number) => alwaysOn.setEnabled(o, id, true) },
  };
  for (const [action, { summary, run }] of Object.entries(actions)) {
    app.post(`/always_on/:id/${action}/`, {
      schema: { tags, summary, params: TaskParams, response: responses({ 200: AlwaysOnTask }) },
    }, async (request) => {
      const owner = ownerOf(request);
      return view(await run(owner, request.params.id), owner);
    });
  }
};

export default alwaysOnRoutes;
