import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { userDirs } from '../../src/domain/layout.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';
import { ADMIN, adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

// The admin's limits routes, and the limits on web apps and workers, on a
// real SQLite file and the fake engine. Consoles and memory per container:
// limits-containers.test.ts (and test/runtime/limits.docker.test.ts).

const DEFAULTS = { PYHOST_LIMIT_WEBAPPS: '3', PYHOST_CONSOLES_PER_USER: '4', PYHOST_LIMIT_WORKERS: '2', PYHOST_APP_MEMORY_MB: '256' };

describe('limits per account', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp(DEFAULTS);
    admin = asToken(await adminToken(t.app));
  });
  afterAll(() => t.close());

  const defaults = (payload?: object) => t.app.inject({ method: payload ? 'PATCH' : 'GET', url: '/api/admin/limits', headers: admin, ...(payload ? { payload } : {}) });
  const setLimits = (u: TestUser, payload: object) => t.app.inject({ method: 'PATCH', url: `/api/admin/users/${u.username}/limits`, headers: admin, payload });
  const webapps = (u: TestUser) => `/api/v0/user/${u.username}/webapps/`;
  const create = (u: TestUser, name: string, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: webapps(u), headers: asToken(u.token), payload: { domain_name: `${name}.${u.username}.localhost`, ...extra } });
  const patch = (u: TestUser, domain: string, payload: object, method: 'PATCH' | 'PUT' = 'PATCH') =>
    t.app.inject({ method, url: `${webapps(u)}${domain}/`, headers: asToken(u.token), payload });
  const appsOf = async (u: TestUser) => (await t.app.inject({ url: webapps(u), headers: asToken(u.token) })).json<{ domain_name: string; workers: number }[]>();
  const rowOf = (u: TestUser) => t.app.stores.users.byUsername(u.username)!;

  describe('the admin routes', () => {
    it('start from the environment, change, and go back to it with null (0 stays 0)', async () => {
      expect((await defaults()).json()).toEqual({ webapps: 3, consoles: 4, workers: 2, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 });
      expect((await defaults({ webapps: 0, memory_mb: 128, custom_domains: 1 })).json()).toEqual({ webapps: 0, consoles: 4, workers: 2, memory_mb: 128, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 });
      expect((await defaults()).json()).toEqual({ webapps: 0, consoles: 4, workers: 2, memory_mb: 128, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 });
      expect((await defaults({ webapps: null, memory_mb: null })).json()).toEqual({ webapps: 3, consoles: 4, workers: 2, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 });
    });

    it("set one account's overrides; the others follow the defaults", async () => {
      const ann = await createUser(t.app);
      const bob = await createUser(t.app);
      const res = await setLimits(ann, { webapps: 1, workers: 1 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ limits: { webapps: 1, consoles: 4, workers: 1, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 }, overrides: { webapps: 1, workers: 1 } });
      // A later change of the defaults reaches what ann has not overridden.
      await defaults({ consoles: 2 });
      expect(t.app.services.limits.view(rowOf(ann))).toEqual({ limits: { webapps: 1, consoles: 2, workers: 1, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 }, overrides: { webapps: 1, workers: 1 } });
      expect(t.app.services.limits.of(rowOf(bob))).toEqual({ webapps: 3, consoles: 2, workers: 2, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 });
      await defaults({ consoles: null });
      expect((await setLimits(ann, { webapps: null, workers: 2 })).json().overrides).toEqual({ workers: 2 });
      expect((await setLimits(ann, { workers: null })).json()).toEqual({ limits: { webapps: 3, consoles: 4, workers: 2, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 }, overrides: {} });
    });

    it('refuse bad input with the field at fault, and change nothing', async () => {
      const ann = await createUser(t.app);
      await setLimits(ann, { webapps: 2 });
      const cases: [object, string][] = [
        [{ colour: 1 }, 'colour'],
        [{ webapps: 1001 }, 'webapps'],
        [{ consoles: -1 }, 'consoles'],
        [{ workers: 0 }, 'workers'],
        [{ workers: 17 }, 'workers'],
        [{ memory_mb: 31, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0 }, 'memory_mb'],
        [{ webapps: 1.5 }, 'webapps'],
        [{ webapps: 'lots' }, 'webapps'],
        [{ webapps: [1] }, 'webapps'],
        [{ webapps: 1, workers: 99 }, 'workers'],
      ];
      for (const [payload, field] of cases) {
        for (const res of [await defaults(payload), await setLimits(ann, payload)]) {
          expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400);
          expect(res.json(), JSON.stringify(payload)).toMatchObject({ error: 'Bad Request', field, detail: expect.stringContaining(field) });
        }
      }
      expect((await defaults()).json()).toEqual({ webapps: 3, consoles: 4, workers: 2, memory_mb: 256, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 });
      expect(t.app.services.limits.overridesOf(rowOf(ann))).toEqual({ webapps: 2 });
      const nobody = await t.app.inject({ method: 'PATCH', url: '/api/admin/users/nobody-here/limits', headers: admin, payload: { webapps: 1 } });
      expect([nobody.statusCode, nobody.json().detail]).toEqual([404, 'no account nobody-here']);
    });

    it('keep the defaults across a restart', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-limits-'));
      const env = { PYHOST_DATA: dataDir, PYHOST_PASSWORD_HASH_COST: '14', PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password };
      try {
        const first = await buildApp({ config: loadConfig(env), runtime: new FakeRuntime() });
        await first.ready();
        first.services.limits.setDefaults({ webapps: 7 });
        await first.close();
        const second = await buildApp({ config: loadConfig(env), runtime: new FakeRuntime() });
        await second.ready();
        expect(second.services.limits.defaults().webapps).toBe(7);
        await second.close();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('web apps', () => {
    it("refuse one more than the account's limit with a 409 naming it, writing nothing", async () => {
      const ann = await createUser(t.app);
      await setLimits(ann, { webapps: 2 });
      for (const name of ['one', 'two']) expect((await create(ann, name)).statusCode).toBe(201);
      const www = userDirs(t.dataDir, ann.username).www;
      const logs = userDirs(t.dataDir, ann.username).log;
      const before = { www: fs.readdirSync(www).sort(), logs: fs.readdirSync(logs).sort(), starts: t.runtime.startedSpecs.length, rows: t.app.stores.webapps.all().length };
      for (const extra of [{}, { framework: 'flask', flask_file: `/home/${ann.username}/three/app.py` }]) {
        const res = await create(ann, 'three', extra);
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json()).toEqual({ error: 'Conflict', detail: `your account's limit is 2 web apps (limit "webapps"); delete one first, or ask an administrator to raise it` });
      }
      expect({ www: fs.readdirSync(www).sort(), logs: fs.readdirSync(logs).sort(), starts: t.runtime.startedSpecs.length, rows: t.app.stores.webapps.all().length }).toEqual(before);
      expect(fs.existsSync(path.join(userDirs(t.dataDir, ann.username).home, 'three'))).toBe(false);
      // Deleting one makes room.
      expect((await t.app.inject({ method: 'DELETE', url: `${webapps(ann)}one.${ann.username}.localhost/`, headers: asToken(ann.token) })).statusCode).toBe(204);
      expect((await create(ann, 'three')).statusCode).toBe(201);
    });

    it('answer 0 web apps plainly, and follow limits_json as an invite code leaves it (junk in it ignored)', async () => {
      const ann = await createUser(t.app);
      t.app.stores.users.update(rowOf(ann).id, { limitsJson: '{"webapps":0,"workers":"many","colour":3}' });
      const none = await create(ann, 'one');
      expect([none.statusCode, none.json().detail]).toEqual([409, `your account's limit is 0 web apps (limit "webapps"); an administrator can raise it`]);
      t.app.stores.users.update(rowOf(ann).id, { limitsJson: '{"webapps":1}' });
      expect((await create(ann, 'one')).statusCode).toBe(201);
      expect((await create(ann, 'two')).statusCode).toBe(409);
    });

    it('keep existing apps when the limit is lowered; only new ones are refused', async () => {
      const ann = await createUser(t.app);
      for (const name of ['one', 'two', 'three']) expect((await create(ann, name)).statusCode).toBe(201);
      const running = () => t.runtime.all().filter((c) => c.labels.user === ann.username && c.state === 'running').length;
      expect(running()).toBe(3);
      await setLimits(ann, { webapps: 1 });
      expect((await create(ann, 'four')).statusCode).toBe(409);
      expect((await appsOf(ann)).length).toBe(3);
      expect(running()).toBe(3);
      expect((await t.app.inject({ method: 'POST', url: `${webapps(ann)}one.${ann.username}.localhost/reload/`, headers: asToken(ann.token) })).statusCode).toBe(200);
    });

    it('let exactly one of two simultaneous creates through when one more is allowed', async () => {
      for (let round = 0; round < 5; round++) {
        const ann = await createUser(t.app);
        await setLimits(ann, { webapps: 2 });
        expect((await create(ann, 'first')).statusCode).toBe(201);
        const results = await Promise.all([create(ann, 'left'), create(ann, 'right')]);
        expect(results.map((r) => r.statusCode).sort(), results.map((r) => r.body).join('\n')).toEqual([201, 409]);
        expect((await appsOf(ann)).length).toBe(2);
        expect(results.find((r) => r.statusCode === 409)!.json().detail).toMatch(/limit "webapps"/);
        const loser = results[0]!.statusCode === 409 ? 'left' : 'right';
        const dirs = userDirs(t.dataDir, ann.username);
        expect(fs.readdirSync(dirs.www).filter((f) => f.startsWith(loser))).toEqual([]);
        expect(fs.readdirSync(dirs.log).filter((f) => f.startsWith(loser))).toEqual([]);
      }
    });

    it("count the owner's apps when their teacher creates one", async () => {
      const student = await createUser(t.app);
      const teacher = await createUser(t.app);
      t.app.stores.users.update(rowOf(teacher).id, { isTeacher: true });
      t.app.stores.users.update(rowOf(student).id, { teacherId: rowOf(teacher).id });
      await setLimits(student, { webapps: 1 });
      const asTeacher = (name: string) => t.app.inject({ method: 'POST', url: webapps(student), headers: asToken(teacher.token), payload: { domain_name: `${name}.${student.username}.localhost` } });
      expect((await asTeacher('one')).statusCode).toBe(201);
      expect((await asTeacher('two')).statusCode).toBe(409);
    });
  });

  describe('workers', () => {
    it("refuse more than the account's limit (PATCH and PUT), saving nothing of that request", async () => {
      const ann = await createUser(t.app);
      const domain = `one.${ann.username}.localhost`;
      expect((await create(ann, 'one')).statusCode).toBe(201);
      for (const method of ['PATCH', 'PUT'] as const) {
        const res = await patch(ann, domain, { workers: 3, force_https: true }, method);
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().detail).toBe(`your account's limit is 2 workers per web app (limit "workers"); an administrator can raise it`);
      }
      expect((await appsOf(ann))[0]).toMatchObject({ workers: 1, force_https: false });
      expect((await patch(ann, domain, { workers: 2 })).json()).toMatchObject({ workers: 2 });
      // Past what any web app may have: bad input, whatever the limit.
      await setLimits(ann, { workers: 16 });
      expect((await patch(ann, domain, { workers: 16 })).statusCode).toBe(200);
      const tooMany = await patch(ann, domain, { workers: 17 });
      expect([tooMany.statusCode, tooMany.json().field]).toEqual([400, 'workers']);
    });

    it('let an app keep workers above a lowered limit until its workers are set again', async () => {
      const ann = await createUser(t.app);
      const domain = `one.${ann.username}.localhost`;
      expect((await create(ann, 'one')).statusCode).toBe(201);
      expect((await patch(ann, domain, { workers: 2 })).statusCode).toBe(200);
      await setLimits(ann, { workers: 1 });
      const reload = await t.app.inject({ method: 'POST', url: `${webapps(ann)}${domain}/reload/`, headers: asToken(ann.token) });
      expect(reload.statusCode).toBe(200);
      expect((await patch(ann, domain, { force_https: true })).json()).toMatchObject({ workers: 2, force_https: true });
      expect((await patch(ann, domain, { workers: 2 })).statusCode).toBe(409);
      expect((await patch(ann, domain, { workers: 1 })).json()).toMatchObject({ workers: 1 });
    });
  });
});
