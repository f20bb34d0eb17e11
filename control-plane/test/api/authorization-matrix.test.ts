import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { UsersStore } from '../../src/store/users-store.js';
import { ADMIN, adminToken, asCookie, asToken, createUser, multipart, uniqueName, type TestUser } from '../helpers/test-app.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

/**
 * Every registered route, checked against every kind of caller. A route
 * added without an entry in EXPECTED fails this test, so nobody ships an
 * endpoint whose access rules were never thought about.
 */

type Who = 'anonymous' | 'other' | 'ownerCookie' | 'ownerToken' | 'revokedToken' | 'admin';
const WHO: Who[] = ['anonymous', 'other', 'ownerCookie', 'ownerToken', 'revokedToken', 'admin'];

interface Ctx {
  app: App;
  owner: TestUser;
  /** A fresh web app of the owner's, for routes that change or delete one. */
  newWebapp(): Promise<string>;
  /** A console of the owner's (in the fake engine's pretend terminal). */
  newConsole(): number;
}

interface Request {
  url: string;
  payload?: string | object | Buffer;
  headers?: Record<string, string>;
}

interface Case {
  request(ctx: Ctx): Promise<Request>;
  expect: Record<Who, number>;
}

/** Resources under /api/v0/user/{owner}/: strangers get the same 404 as for nothing at all. */
const owned = (ok: number): Record<Who, number> => ({ anonymous: 401, other: 404, ownerCookie: ok, ownerToken: ok, revokedToken: 401, admin: ok });
/** The caller's own things (tokens, /me): any signed-in user, nobody else. */
const signedIn = (ok: number): Record<Who, number> => ({ anonymous: 401, other: ok, ownerCookie: ok, ownerToken: ok, revokedToken: 401, admin: ok });
const anyone = (status: number): Record<Who, number> => ({ anonymous: status, other: status, ownerCookie: status, ownerToken: status, revokedToken: 401, admin: status });

const v0 = (ctx: Ctx, rest: string) => `/api/v0/user/${ctx.owner.username}${rest}`;
/** The fake engine runs web apps (a stand-in gateway) and consoles (a pretend terminal) like the real one. */
const RELOADED = 200;
const CONSOLE_STARTED = 201;
/** send_input to a console that is not running. */
const CONSOLE_NOT_RUNNING = 409;
/** A plain GET on the terminal's WebSocket URL. */
const UPGRADE_REQUIRED = 426;

const EXPECTED: Record<string, Case> = {
  'GET /api/health': { request: async () => ({ url: '/api/health' }), expect: anyone(200) },
  'GET /api/instance': { request: async () => ({ url: '/api/instance' }), expect: anyone(200) },
  'POST /api/auth/signup': {
    request: async () => ({ url: '/api/auth/signup', payload: { username: uniqueName('s'), password: 'password123' } }),
    // Sign-up is closed on this instance: only an admin may create accounts.
    expect: { anonymous: 403, other: 403, ownerCookie: 403, ownerToken: 403, revokedToken: 401, admin: 201 },
  },
  'POST /api/auth/login': {
    request: async () => ({ url: '/api/auth/login', payload: { username: uniqueName('nobody'), password: 'wrong-password' } }),
    expect: anyone(401),
  },
  // This instance has accounts (the admin from the environment): setup is over for everyone.
  'GET /api/auth/setup': { request: async () => ({ url: '/api/auth/setup' }), expect: anyone(200) },
  'POST /api/auth/setup': {
    request: async () => ({ url: '/api/auth/setup', payload: { token: 'x'.repeat(43), username: uniqueName('s'), password: 'password123' } }),
    expect: anyone(409),
  },
  'GET /api/auth/me': { request: async () => ({ url: '/api/auth/me' }), expect: signedIn(200) },
  'GET /api/auth/tokens': { request: async () => ({ url: '/api/auth/tokens' }), expect: signedIn(200) },
  'POST /api/auth/tokens': { request: async () => ({ url: '/api/auth/tokens', payload: { name: 'matrix' } }), expect: signedIn(201) },
  'DELETE /api/auth/tokens/:id': {
    request: async (ctx) => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: asToken(ctx.owner.token), payload: { name: 'victim' } });
      return { url: `/api/auth/tokens/${res.json().id}` };
    },
    // Tokens are personal: not even an admin revokes another user's here.
    expect: { anonymous: 401, other: 404, ownerCookie: 204, ownerToken: 204, revokedToken: 401, admin: 404 },
  },
  'GET /api/v0/user/:username/webapps/': { request: async (ctx) => ({ url: v0(ctx, '/webapps/') }), expect: owned(200) },
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
  // The dashboard (SPA): public, like any web page; the API behind it is what is protected.
  'GET /*': { request: async () => ({ url: '/web/some.app.localhost' }), expect: anyone(200) },
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
  // Last: it ends the owner's cookie session that the cases above use.
  'POST /api/auth/logout': { request: async () => ({ url: '/api/auth/logout' }), expect: anyone(200) },
};

async function uploadAs(ctx: Ctx, p: string) {
  const body = multipart('matrix');
  const res = await ctx.app.inject({ method: 'POST', url: v0(ctx, `/files/path${p}`), headers: { ...asToken(ctx.owner.token), ...body.headers }, payload: body.payload });
  if (res.statusCode >= 300) throw new Error(`upload ${p}: ${res.statusCode}`);
}

/** The API documentation is public; its many asset routes share one rule. */
function isDocsRoute(url: string): boolean {
  return url === '/api/docs' || url.startsWith('/api/docs/');
}

describe('authorization matrix', () => {
  let app: App;
  let dataDir: string;
  const routes: { method: string; url: string }[] = [];
  const creds = {} as Record<Who, Record<string, string>>;
  let ctx: Ctx;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-matrix-'));
    const dashboardDir = path.join(dataDir, 'dashboard-dist');
    fs.mkdirSync(dashboardDir);
    fs.writeFileSync(path.join(dashboardDir, 'index.html'), '<!doctype html><title>Pyhost</title>');
    const config = loadConfig({
      PYHOST_DATA: dataDir,
      PYHOST_PASSWORD_HASH_COST: '14',
      PYHOST_ADMIN_USER: ADMIN.username,
      PYHOST_ADMIN_PASSWORD: ADMIN.password,
      PYHOST_DASHBOARD_DIR: dashboardDir,
    });
    app = await buildApp({ runtime: new FakeRuntime(),
      config,
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat()) routes.push({ method, url: route.url });
      },
    });
    await app.ready();
    const owner = await createUser(app);
    const other = await createUser(app);
    const revoked = await createUser(app);
    await app.inject({ method: 'DELETE', url: `/api/auth/tokens/${revoked.tokenId}`, headers: asToken(revoked.token) });
    creds.anonymous = {};
    creds.other = asToken(other.token);
    creds.ownerCookie = asCookie(owner);
    creds.ownerToken = asToken(owner.token);
    creds.revokedToken = asToken(revoked.token);
    creds.admin = asToken(await adminToken(app));
    ctx = {
      app,
      owner,
      async newWebapp() {
        const domain = `${uniqueName('w')}.${owner.username}.localhost`;
        const res = await app.inject({ method: 'POST', url: `/api/v0/user/${owner.username}/webapps/`, headers: asToken(owner.token), payload: { domain_name: domain } });
        if (res.statusCode !== 201) throw new Error(`create ${domain}: ${res.statusCode} ${res.body}`);
        return domain;
      },
      newConsole() {
        const userId = new UsersStore(app.db).byUsername(owner.username)!.id;
        return app.services.consoles.store.insert({ user_id: userId, executable: 'bash', arguments: '', working_directory: null }).id;
      },
    };
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('has an expectation for every registered route', () => {
    const api = routes.filter((r) => r.method !== 'HEAD' && !isDocsRoute(r.url));
    const missing = api.map((r) => `${r.method} ${r.url}`).filter((key) => !(key in EXPECTED));
    expect(missing, 'routes without an authorization expectation').toEqual([]);
    const stale = Object.keys(EXPECTED).filter((key) => !api.some((r) => `${r.method} ${r.url}` === key));
    expect(stale, 'expectations for routes that no longer exist').toEqual([]);
    expect(api.length).toBeGreaterThan(20);
  });

  it('answers every route as expected for each kind of caller', async () => {
    const failures: string[] = [];
    for (const [key, c] of Object.entries(EXPECTED)) {
      const method = key.split(' ')[0] as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      for (const who of WHO) {
        const req = await c.request(ctx);
        const res = await app.inject({ method, url: req.url, payload: req.payload, headers: { ...(req.headers ?? {}), ...creds[who] } });
        if (res.statusCode !== c.expect[who]) failures.push(`${key} as ${who}: ${res.statusCode} (expected ${c.expect[who]}) ${res.body.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("answers 404 for a stranger's URL before looking at its query or body (the owner gets the 400)", async () => {
    const domain = await ctx.newWebapp();
    const json = { 'content-type': 'application/json' };
    const cases: { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: string | object; headers?: Record<string, string> }[] = [
      { method: 'GET', url: v0(ctx, '/files/tree/') },
      { method: 'GET', url: v0(ctx, '/files/tree/?path=/tmp&colour=red') },
      { method: 'POST', url: v0(ctx, '/files/folder/'), payload: {} },
      { method: 'POST', url: v0(ctx, `/files/path/home/${ctx.owner.username}/x.txt`), payload: { not: 'multipart' } },
      { method: 'POST', url: v0(ctx, '/webapps/'), payload: { colour: 'red' } },
      { method: 'POST', url: v0(ctx, '/webapps/'), payload: '{"not json', headers: json },
      { method: 'PATCH', url: v0(ctx, `/webapps/${domain}/`), payload: { workers: 'many' } },
      { method: 'GET', url: v0(ctx, `/webapps/${domain}/logs/error/?lines=lots`) },
      { method: 'GET', url: v0(ctx, '/consoles/not-a-number/') },
      { method: 'POST', url: v0(ctx, `/consoles/${ctx.newConsole()}/send_input/`), payload: {} },
    ];
    const failures: string[] = [];
    for (const c of cases) {
      for (const [who, status] of [['other', 404], ['ownerToken', 400]] as const) {
        const res = await app.inject({ method: c.method, url: c.url, payload: c.payload, headers: { ...(c.headers ?? {}), ...creds[who] } });
        if (res.statusCode !== status) failures.push(`${c.method} ${c.url} as ${who}: ${res.statusCode} (expected ${status}) ${res.body.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('serves HEAD like GET', async () => {
    const res = await app.inject({ method: 'HEAD', url: `/api/v0/user/${ctx.owner.username}/webapps/`, headers: creds.other });
    expect(res.statusCode).toBe(404);
  });

  it('serves the API documentation to anyone', async () => {
    expect((await app.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
    const spec = (await app.inject({ url: '/api/docs/json' })).json();
    expect(Object.keys(spec.paths)).toContain('/api/v0/user/{username}/webapps/{domain_name}/');
  });
});
