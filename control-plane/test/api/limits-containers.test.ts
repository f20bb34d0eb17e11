import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/runtime/index.js';
import { consolesUrl, sendInput, startConsole, waitForConsoleState } from '../helpers/consoles.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

// Consoles open at once and memory per container, on the fake engine (the
// specs it was given stand for the containers; test/runtime/limits.docker.test.ts
// checks the real engine's HostConfig).

const MiB = 1024 * 1024;

describe('limits on containers', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp({ PYHOST_CONSOLES_PER_USER: '3', PYHOST_APP_MEMORY_MB: '256' });
    admin = asToken(await adminToken(t.app));
  });
  afterAll(() => t.close());

  const setLimits = async (u: TestUser, payload: object) => {
    const res = await t.app.inject({ method: 'PATCH', url: `/api/admin/users/${u.username}/limits`, headers: admin, payload });
    expect(res.statusCode, res.body).toBe(200);
  };
  const tryConsole = (u: TestUser) => t.app.inject({ method: 'POST', url: consolesUrl(u), headers: asToken(u.token), payload: {} });
  const consoleIds = async (u: TestUser) => (await t.app.inject({ url: consolesUrl(u), headers: asToken(u.token) })).json<{ id: number }[]>().map((c) => c.id);
  const specsOf = (u: TestUser, kind: WorkloadSpec['kind']) => t.runtime.startedSpecs.filter((s) => s.username === u.username && s.kind === kind);
  const running = (u: TestUser, kind: WorkloadSpec['kind']) => t.runtime.all().filter((c) => c.labels.user === u.username && c.labels.kind === kind && c.state === 'running');
  const webapp = (u: TestUser, rest = '') => `/api/v0/user/${u.username}/webapps/${u.username}.localhost/${rest}`;

  async function newApp(u: TestUser): Promise<void> {
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/webapps/`, headers: asToken(u.token), payload: { domain_name: `${u.username}.localhost` } });
    expect(res.statusCode, res.body).toBe(201);
    await eventually(async () => expect((await t.app.inject({ url: webapp(u), headers: asToken(u.token) })).json().state).toBe('running'));
  }

  async function endConsole(u: TestUser, id: number): Promise<void> {
    await sendInput(t.app, u, id, 'exit\r');
    await waitForConsoleState(t.app, u, id, 'exited');
  }

  describe('consoles open at once', () => {
    it("refuse one more than the account's limit, touching nothing; an ended one makes room", async () => {
      const ann = await createUser(t.app);
      await setLimits(ann, { consoles: 2 });
      const first = await startConsole(t.app, ann);
      await startConsole(t.app, ann);
      const res = await tryConsole(ann);
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toBe(`your account's limit is 2 consoles open at once (limit "consoles"); close one (or type exit in it) first, or ask an administrator to raise it`);
      await endConsole(ann, first.id);
      const ids = await consoleIds(ann);
      // Nothing made room yet: only a start that fits removes the ended one.
      await setLimits(ann, { consoles: 1 });
      expect((await tryConsole(ann)).json().detail).toMatch(/limit is 1 console open at once/);
      expect(await consoleIds(ann)).toEqual(ids);
      await setLimits(ann, { consoles: 2 });
      const third = await startConsole(t.app, ann);
      expect(await consoleIds(ann)).toEqual([ids[1], third.id]);
    });

    it('keep running consoles when the limit is lowered, and answer 0 plainly', async () => {
      const ann = await createUser(t.app);
      const a = await startConsole(t.app, ann);
      const b = await startConsole(t.app, ann);
      await setLimits(ann, { consoles: 1 });
      expect((await tryConsole(ann)).statusCode).toBe(409);
      for (const id of [a.id, b.id]) expect((await t.app.inject({ url: consolesUrl(ann, `${id}/`), headers: asToken(ann.token) })).json().state).toBe('running');
      const bob = await createUser(t.app);
      await setLimits(bob, { consoles: 0 });
      expect((await tryConsole(bob)).json().detail).toBe(`your account's limit is 0 consoles open at once (limit "consoles"); an administrator can raise it`);
      // Others get the default.
      const carol = await createUser(t.app);
      for (let i = 0; i < 3; i++) await startConsole(t.app, carol);
      expect((await tryConsole(carol)).json().detail).toMatch(/limit is 3 consoles/);
    });
  });

  describe('memory per container', () => {
    it("gives an account's web app and console containers its memory; others keep the default", async () => {
      const ann = await createUser(t.app);
      const bob = await createUser(t.app);
      await setLimits(ann, { memory_mb: 96 });
      for (const u of [ann, bob]) {
        await newApp(u);
        await startConsole(t.app, u);
      }
      for (const kind of ['webapp', 'console'] as const) {
        expect(specsOf(ann, kind).map((s) => s.limits.memoryBytes)).toEqual([96 * MiB]);
        expect(specsOf(bob, kind).map((s) => s.limits.memoryBytes)).toEqual([256 * MiB]);
      }
    });

    it('applies a changed memory limit to a running web app at its next Reload (a new container), then reloads in place again', async () => {
      const ann = await createUser(t.app);
      await newApp(ann);
      const [before] = running(ann, 'webapp');
      await setLimits(ann, { memory_mb: 128 });
      expect(running(ann, 'webapp').map((c) => c.id)).toEqual([before!.id]);
      const reload = () => t.app.inject({ method: 'POST', url: webapp(ann, 'reload/'), headers: asToken(ann.token) });
      expect((await reload()).statusCode).toBe(200);
      const [after] = running(ann, 'webapp');
      expect(after!.id).not.toBe(before!.id);
      expect(after!.memoryBytes).toBe(128 * MiB);
      const starts = specsOf(ann, 'webapp').length;
      expect((await reload()).statusCode).toBe(200);
      expect(specsOf(ann, 'webapp').length).toBe(starts);
      expect(running(ann, 'webapp').map((c) => c.id)).toEqual([after!.id]);
    });

    it('keeps a console container while a console runs in it, and replaces it for the next console once none does', async () => {
      const ann = await createUser(t.app);
      const first = await startConsole(t.app, ann);
      const [before] = running(ann, 'console');
      await setLimits(ann, { memory_mb: 64 });
      const second = await startConsole(t.app, ann);
      expect(running(ann, 'console').map((c) => c.id)).toEqual([before!.id]);
      await endConsole(ann, first.id);
      await endConsole(ann, second.id);
      await startConsole(t.app, ann);
      const [after] = running(ann, 'console');
      expect(after!.id).not.toBe(before!.id);
      expect(after!.memoryBytes).toBe(64 * MiB);
      expect(t.runtime.get(before!.id)).toBeUndefined();
    });
  });
});
