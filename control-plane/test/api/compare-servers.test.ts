import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';
import type { CompareRun } from '../../src/schemas/compare.js';

/** Compare servers through the API on the fake engine (its stand-in gateways answer every request). */
describe('compare servers API', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const domain = () => `${alice.username}.localhost`;
  const url = (u: TestUser, rest = '') => `/api/v0/user/${u.username}/webapps/${u.username}.localhost/compare/${rest}`;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t.app);
    bob = await createUser(t.app);
    for (const u of [alice, bob]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/webapps/`, headers: asToken(u.token), payload: {} });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await t.app.services.compare.idle();
    await t.close();
  });

  const finished = (u: TestUser, id: number) =>
    eventually(async () => {
      const r = (await t.app.inject({ url: url(u, `${id}/`), headers: asToken(u.token) })).json<CompareRun>();
      if (r.state === 'running') throw new Error('still running');
      return r;
    }, { timeoutMs: 60_000, intervalMs: 200 });

  it.each([
    [{ path: 'no-slash' }, 'the path must start with /'],
    [{ path: '/a b' }, 'the path must be printable ASCII without spaces (percent-encode the rest)'],
    [{ path: '/', seconds: 9 }, null],
  ])('refuses %j with a 400', async (payload, detail) => {
    const res = await t.app.inject({ method: 'POST', url: url(alice), headers: asToken(alice.token), payload });
    expect(res.statusCode, res.body).toBe(400);
    if (detail) expect(res.json().detail).toBe(detail);
  });

  it('answers 202 at once, refuses a second run with 409, then keeps the measurements of each server', async () => {
    const res = await t.app.inject({ method: 'POST', url: url(alice), headers: asToken(alice.token), payload: { path: '/', seconds: 1 } });
    expect(res.statusCode, res.body).toBe(202);
    const run = res.json<CompareRun>();
    expect(run).toMatchObject({ state: 'running', path: '/', seconds_per_level: 1, connections: [1, 10, 20], current_server: 'uwsgi', servers: [] });

    const again = await t.app.inject({ method: 'POST', url: url(alice), headers: asToken(alice.token), payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already running/);
    const other = await t.app.inject({ method: 'POST', url: url(bob), headers: asToken(bob.token), payload: {} });
    expect(other.statusCode).toBe(409);
    expect(other.json().detail).toMatch(/one at a time/);

    const done = await finished(alice, run.id);
    expect(done.state, JSON.stringify(done)).toBe('done');
    // A default app is no Django project: the development server is the plain one.
    expect(done.servers.map((s) => s.server)).toEqual(['devserver', 'gunicorn', 'uwsgi']);
    for (const s of done.servers) {
      expect(s.levels.map((l) => l.connections)).toEqual([1, 10, 20]);
      for (const l of s.levels) expect(l.requests_per_second, s.server).toBeGreaterThan(0);
    }
    expect(['gunicorn', 'uwsgi']).toContain(done.winner);
    expect(done.summary).toMatch(/served the most/);
    expect(done.finished_at).not.toBeNull();

    expect((await t.runtime.list(t.app.instanceId)).filter((c) => c.labels.kind === 'compare')).toEqual([]);
    expect(fs.readdirSync(path.join(t.dataDir, 'compare'))).toEqual([]);
  });

  it('lists the kept runs newest first, the last 10 per web app; another user cannot see them', async () => {
    const app = t.app.stores.webapps.byDomain(domain())!;
    for (let i = 0; i < 11; i++) t.app.stores.compareRuns.fail(t.app.stores.compareRuns.insert({ webapp_id: app.id, user_id: app.user_id, path: `/${i}`, seconds: 1, current_server: 'uwsgi' }).id, 'made by the test');
    const list = (await t.app.inject({ url: url(alice), headers: asToken(alice.token) })).json<CompareRun[]>();
    expect(list).toHaveLength(10);
    expect(list[0]!.path).toBe('/10');
    expect(list.map((r) => r.id)).toEqual([...list.map((r) => r.id)].sort((a, b) => b - a));
    expect((await t.app.inject({ url: url(alice, `${list[0]!.id}/`), headers: asToken(bob.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: url(alice, '999999/'), headers: asToken(alice.token) })).statusCode).toBe(404);
  });

  it('a run cut off by a stop of the control plane is failed at the next start, and its folder goes', async () => {
    const app = t.app.stores.webapps.byDomain(domain())!;
    const stale = t.app.stores.compareRuns.insert({ webapp_id: app.id, user_id: app.user_id, path: '/', seconds: 1, current_server: 'uwsgi' });
    fs.mkdirSync(path.join(t.dataDir, 'compare', String(stale.id), 'gunicorn'), { recursive: true });
    await t.app.services.compare.recoverInterrupted();
    expect(t.app.stores.compareRuns.byId(stale.id)).toMatchObject({ state: 'failed', error: 'interrupted: the control plane stopped during the run' });
    expect(fs.existsSync(path.join(t.dataDir, 'compare', String(stale.id)))).toBe(false);
  });
});
