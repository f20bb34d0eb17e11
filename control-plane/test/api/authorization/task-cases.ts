import { asToken } from '../../helpers/test-app.js';
import { owned, v0, type Case, type Ctx } from './matrix-cases.js';

/** A fresh task of the owner's, made through the API as the owner. */
async function newTask(ctx: Ctx, kind: 'schedule' | 'always_on'): Promise<number> {
  const payload = kind === 'schedule' ? { command: 'echo matrix', interval: 'hourly', minute: 5 } : { command: 'sleep infinity' };
  const res = await ctx.app.inject({ method: 'POST', url: v0(ctx, `/${kind}/`), headers: asToken(ctx.owner.token), payload });
  if (res.statusCode !== 201) throw new Error(`create ${kind}: ${res.statusCode} ${res.body}`);
  return res.json<{ id: number }>().id;
}

const onTask = (kind: 'schedule' | 'always_on', rest: string, ok: number, payload?: object): Case => ({
  request: async (ctx) => ({ url: v0(ctx, `/${kind}/${await newTask(ctx, kind)}/${rest}`), ...(payload ? { payload } : {}) }),
  expect: owned(ok),
});

/** Scheduled and always-on tasks (docs/tasks.md): the owner's things, like web apps. */
export const TASK_CASES: Record<string, Case> = {
  'GET /api/v0/user/:username/schedule/': { request: async (ctx) => ({ url: v0(ctx, '/schedule/') }), expect: owned(200) },
  'POST /api/v0/user/:username/schedule/': {
    request: async (ctx) => ({ url: v0(ctx, '/schedule/'), payload: { command: 'echo hi', interval: 'daily', hour: 3, minute: 4 } }),
    expect: owned(201),
  },
  'GET /api/v0/user/:username/schedule/:id/': onTask('schedule', '', 200),
  'PATCH /api/v0/user/:username/schedule/:id/': onTask('schedule', '', 200, { minute: 6 }),
  'PUT /api/v0/user/:username/schedule/:id/': onTask('schedule', '', 200, { minute: 6 }),
  'DELETE /api/v0/user/:username/schedule/:id/': onTask('schedule', '', 204),
  'POST /api/v0/user/:username/schedule/:id/run/': onTask('schedule', 'run/', 202),
  'GET /api/v0/user/:username/schedule/:id/runs/': onTask('schedule', 'runs/', 200),
  'GET /api/v0/user/:username/always_on/': { request: async (ctx) => ({ url: v0(ctx, '/always_on/') }), expect: owned(200) },
  'POST /api/v0/user/:username/always_on/': { request: async (ctx) => ({ url: v0(ctx, '/always_on/'), payload: { command: 'sleep infinity' } }), expect: owned(201) },
  'GET /api/v0/user/:username/always_on/:id/': onTask('always_on', '', 200),
  'PATCH /api/v0/user/:username/always_on/:id/': onTask('always_on', '', 200, { description: 'bot' }),
  'PUT /api/v0/user/:username/always_on/:id/': onTask('always_on', '', 200, { description: 'bot' }),
  'DELETE /api/v0/user/:username/always_on/:id/': onTask('always_on', '', 204),
  'POST /api/v0/user/:username/always_on/:id/restart/': onTask('always_on', 'restart/', 200),
  'POST /api/v0/user/:username/always_on/:id/stop/': onTask('always_on', 'stop/', 200),
  'POST /api/v0/user/:username/always_on/:id/start/': onTask('always_on', 'start/', 200),
  ...Object.fromEntries(
    (['schedule', 'always_on'] as const).flatMap((kind) => [
      [`GET /api/v0/user/:username/${kind}/:id/log/files/`, onTask(kind, 'log/files/', 200)],
      [`GET /api/v0/user/:username/${kind}/:id/log/`, onTask(kind, 'log/', 200)],
      // Nothing has run yet: no file to download.
      [`GET /api/v0/user/:username/${kind}/:id/log/download/`, onTask(kind, 'log/download/', kind === 'schedule' ? 404 : 200)],
      [`GET /api/v0/user/:username/${kind}/:id/log/stream/`, onTask(kind, 'log/stream/?max_seconds=0', 200)],
    ]),
  ),
};
