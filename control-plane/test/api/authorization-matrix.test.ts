import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { UsersStore } from '../../src/store/users-store.js';
import { ADMIN, adminToken, asCookie, asToken, createUser, uniqueName } from '../helpers/test-app.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';
import { ACCOUNT_CASES } from './authorization/account-cases.js';
import { ADMIN_CASES } from './authorization/admin-cases.js';
import { CLASSROOM_CASES } from './authorization/classroom-cases.js';
import { COMPARE_CASES } from './authorization/compare-cases.js';
import { anyone, v0, WHO, type Case, type Ctx, type Who } from './authorization/matrix-cases.js';
import { V0_CASES } from './authorization/v0-cases.js';
import { SSL_CASES } from './authorization/ssl-cases.js';
import { TASK_CASES } from './authorization/task-cases.js';
import { WEBSITE_CASES } from './authorization/website-cases.js';

/**
 * Every registered route, checked against every kind of caller. A route
 * added without an entry in EXPECTED fails this test, so nobody ships an
 * endpoint whose access rules were never thought about. The cases are in
 * authorization/, one file per part of the API.
 */

const EXPECTED: Record<string, Case> = {
  ...ACCOUNT_CASES,
  ...V0_CASES,
  ...ADMIN_CASES,
  ...CLASSROOM_CASES,
  ...TASK_CASES,
  ...WEBSITE_CASES,
  ...COMPARE_CASES,
  ...SSL_CASES,
  // The dashboard (SPA): public, like any web page; the API behind it is what is protected.
  'GET /*': { request: async () => ({ url: '/web/some.app.localhost' }), expect: anyone(200) },
  // Last: it ends the owner's cookie session that the cases above use.
  'POST /api/auth/logout': { request: async () => ({ url: '/api/auth/logout' }), expect: anyone(200) },
};

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
      // The cases make the owner a web app per caller and case.
      PYHOST_LIMIT_WEBAPPS: '1000',
      PYHOST_LIMIT_SCHEDULED_TASKS: '1000',
      PYHOST_LIMIT_ALWAYS_ON_TASKS: '1000',
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
    // The owner had formerTeacher as their teacher, then named teacher instead.
    const teacher = await createUser(app);
    const formerTeacher = await createUser(app);
    const users = app.stores.users;
    for (const t of [teacher, formerTeacher]) users.update(users.byUsername(t.username)!.id, { isTeacher: true });
    const ownerId = users.byUsername(owner.username)!.id;
    users.update(ownerId, { teacherId: users.byUsername(formerTeacher.username)!.id });
    users.update(ownerId, { teacherId: users.byUsername(teacher.username)!.id });
    creds.teacher = asToken(teacher.token);
    creds.formerTeacher = asToken(formerTeacher.token);
    creds.anonymous = {};
    creds.other = asToken(other.token);
    creds.ownerCookie = asCookie(owner);
    creds.ownerToken = asToken(owner.token);
    creds.revokedToken = asToken(revoked.token);
    creds.admin = asToken(await adminToken(app));
    ctx = {
      app,
      owner,
      teacher,
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
  }, 240_000); // every route, as each kind of caller, one after another

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
