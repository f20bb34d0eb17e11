import { asToken, multipart, uniqueName } from '../../helpers/test-app.js';
import { owned, uploadAs, v0, type Case, type Ctx } from './matrix-cases.js';

/** The fake engine runs web apps (a stand-in gateway) and consoles (a pretend terminal) like the real one. */
const RELOADED = 200;
const CONSOLE_STARTED = 201;
/** send_input to a console that is not running. */
const CONSOLE_NOT_RUNNING = 409;
/** A plain GET on the terminal's WebSocket URL. */
const UPGRADE_REQUIRED = 426;

/** PythonAnywhere's API v0: web apps, static files, files, logs, consoles. */
export const V0_CASES: Record<string, Case> = {
  'GET /api/v0/user/:username/webapps/': { request: async (ctx) => ({ url: v0(ctx, '/webapps/') }), expect: owned(200) },
  'GET /api/v0/user/:username/cpu/': { request: async (ctx) => ({ url: v0(ctx, '/cpu/') }), expect: owned(200) },
  'GET /api/v0/user/:username/disk/': { request: async (ctx) => ({ url: v0(ctx, '/disk/') }), expect: owned(200) },
  'POST /api/v0/user/:username/webapps/': {
    request: async (ctx) => ({ url: v0(ctx, '/webapps/'), payload: { domain_name: `${uniqueName('d')}.${ctx.owner.username}.localhost` } }),
    expect: owned(201),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/': { request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/`) }), expect: owned(200) },
  'PATCH /api/v0/user/:username/webapps/:domain_name/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/`), payload: { force_https: true } }),
    expect: owned(200),
  },
  'PUT /api/v0/user/:username/webapps/:domain_name/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/`), payload: { force_https: true } }),
    expect: owned(200),
  },
  'DELETE /api/v0/user/:username/webapps/:domain_name/': { request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/`) }), expect: owned(204) },
  'POST /api/v0/user/:username/webapps/:domain_name/reload/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/reload/`) }),
    expect: owned(RELOADED),
  },
  'POST /api/v0/user/:username/webapps/:domain_name/enable/': { request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/enable/`) }), expect: owned(200) },
  'POST /api/v0/user/:username/webapps/:domain_name/disable/': { request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/disable/`) }), expect: owned(200) },
  'GET /api/v0/user/:username/webapps/:domain_name/static_files/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/static_files/`) }),
    expect: owned(200),
  },
  'POST /api/v0/user/:username/webapps/:domain_name/static_files/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/static_files/`), payload: { url: '/static/', path: '/var/www/static' } }),
    expect: owned(201),
  },
  ...Object.fromEntries(
    (['GET', 'PATCH', 'PUT', 'DELETE'] as const).map((method) => [
      `${method} /api/v0/user/:username/webapps/:domain_name/static_files/:id/`,
      {
        request: async (ctx: Ctx) => {
          const domain = await ctx.newWebapp();
          const res = await ctx.app.inject({
            method: 'POST',
            url: v0(ctx, `/webapps/${domain}/static_files/`),
            headers: asToken(ctx.owner.token),
            payload: { url: '/media/', path: '/var/www/media' },
          });
          return { url: v0(ctx, `/webapps/${domain}/static_files/${res.json().id}/`), payload: method === 'PATCH' || method === 'PUT' ? { url: '/m/' } : undefined };
        },
        expect: owned(method === 'DELETE' ? 204 : 200),
      } satisfies Case,
    ]),
  ),
  'GET /api/v0/user/:username/files/path/*': {
    request: async (ctx) => {
      await uploadAs(ctx, `/home/${ctx.owner.username}/matrix.txt`);
      return { url: v0(ctx, `/files/path/home/${ctx.owner.username}/matrix.txt`) };
    },
    expect: owned(200),
  },
  'POST /api/v0/user/:username/files/path/*': {
    request: async (ctx) => {
      const body = multipart('hello');
      return { url: v0(ctx, `/files/path/home/${ctx.owner.username}/${uniqueName('f')}.txt`), payload: body.payload, headers: body.headers };
    },
    expect: owned(201),
  },
  'DELETE /api/v0/user/:username/files/path/*': {
    request: async (ctx) => {
      const p = `/home/${ctx.owner.username}/${uniqueName('f')}.txt`;
      await uploadAs(ctx, p);
      return { url: v0(ctx, `/files/path${p}`) };
    },
    expect: owned(204),
  },
  'GET /api/v0/user/:username/files/tree/': { request: async (ctx) => ({ url: v0(ctx, `/files/tree/?path=/home/${ctx.owner.username}`) }), expect: owned(200) },
  'POST /api/v0/user/:username/files/folder/': {
    request: async (ctx) => ({ url: v0(ctx, '/files/folder/'), payload: { path: `/home/${ctx.owner.username}/${uniqueName('dir')}` } }),
    expect: owned(201),
  },
  'POST /api/v0/user/:username/files/move/': {
    request: async (ctx) => {
      const from = `/home/${ctx.owner.username}/${uniqueName('f')}.txt`;
      await uploadAs(ctx, from);
      return { url: v0(ctx, '/files/move/'), payload: { from, to: `${from}.moved` } };
    },
    expect: owned(200),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/usage/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/usage/?period=day`) }),
    expect: owned(200),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/logs/': { request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/logs/`) }), expect: owned(200) },
  'GET /api/v0/user/:username/webapps/:domain_name/logs/:kind/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/logs/error/?lines=5`) }),
    expect: owned(200),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/logs/:kind/download/': {
    request: async (ctx) => {
      const domain = await ctx.newWebapp();
      await uploadAs(ctx, `/var/log/${domain}.error.log`);
      return { url: v0(ctx, `/webapps/${domain}/logs/error/download/`) };
    },
    expect: owned(200),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/logs/:kind/stream/': {
    // max_seconds=0: the stream opens and ends at once, so inject() returns.
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/logs/server/stream/?max_seconds=0`) }),
    expect: owned(200),
  },
  'GET /api/v0/user/:username/consoles/': { request: async (ctx) => ({ url: v0(ctx, '/consoles/') }), expect: owned(200) },
  'POST /api/v0/user/:username/consoles/': { request: async (ctx) => ({ url: v0(ctx, '/consoles/'), payload: { executable: 'bash' } }), expect: owned(CONSOLE_STARTED) },
  'GET /api/v0/user/:username/consoles/shared_with_you/': { request: async (ctx) => ({ url: v0(ctx, '/consoles/shared_with_you/') }), expect: owned(200) },
  'GET /api/v0/user/:username/consoles/:id/': { request: async (ctx) => ({ url: v0(ctx, `/consoles/${ctx.newConsole()}/`) }), expect: owned(200) },
  'DELETE /api/v0/user/:username/consoles/:id/': { request: async (ctx) => ({ url: v0(ctx, `/consoles/${ctx.newConsole()}/`) }), expect: owned(204) },
  'GET /api/v0/user/:username/consoles/:id/get_latest_output/': {
    request: async (ctx) => ({ url: v0(ctx, `/consoles/${ctx.newConsole()}/get_latest_output/`) }),
    expect: owned(200),
  },
  'POST /api/v0/user/:username/consoles/:id/send_input/': {
    request: async (ctx) => ({ url: v0(ctx, `/consoles/${ctx.newConsole()}/send_input/`), payload: { input: 'ls\n' } }),
    expect: owned(CONSOLE_NOT_RUNNING),
  },
  // The WebSocket handshake itself is covered in test/runtime/console-socket.docker.test.ts.
  'GET /api/v0/user/:username/consoles/:id/ws/': { request: async (ctx) => ({ url: v0(ctx, `/consoles/${ctx.newConsole()}/ws/`) }), expect: owned(UPGRADE_REQUIRED) },
};
