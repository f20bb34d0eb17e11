import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webappRunDir } from '../../src/domain/layout.js';
import { MAX_RESTARTS } from '../../src/services/platform/restart-backoff.js';
import { webappSpec } from '../helpers/container-specs.js';
import { eventually } from '../helpers/eventually.js';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

// The web-app lifecycle and the reconciler loop, fast: the real services on
// the fake engine, whose web-app containers get stand-in gateways that load
// the app or fail to, as each test says. The same paths run against the real
// engine in test/runtime/webapp-*.docker.test.ts.

describe('the web-app lifecycle on the fake engine', () => {
  let t: TestApp;
  let user: TestUser;
  let domain: string;
  let now = Date.now();
  afterEach(async () => t?.close());

  const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', suffix = '', payload?: object) => {
    const res = await t.app.inject({ method, url: `/api/v0/user/${user.username}/webapps/${suffix}`, headers: asToken(user.token), ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {} };
  };
  const running = () => t.runtime.all().filter((c) => c.labels.kind === 'webapp' && c.state === 'running');
  const state = async () => (await api('GET', `${domain}/`)).body.state;

  async function start(): Promise<void> {
    now = Date.now();
    t = await createTestApp({}, { clock: () => now });
    user = await createUser(t.app);
    domain = `${user.username}.localhost`;
    expect((await api('POST', '', { domain_name: domain })).status).toBe(201);
    await eventually(async () => expect(await state()).toBe('running'), { what: 'the app running' });
  }

  it('keeps the old version serving when changed settings do not start, and applies them at the Reload that does', async () => {
    await start();
    const [first] = running();
    t.runtime.gatewayBehaviour = () => 'fails-to-load';
    const patched = await api('PATCH', `${domain}/`, { workers: 2 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ workers: 2, settings_warning: expect.stringMatching(/saved but not serving yet: ImportError/) });
    expect(running().map((c) => c.id)).toEqual([first!.id]);
    // Still broken: the Reload says so and changes nothing.
    expect((await api('POST', `${domain}/reload/`)).status).toBe(422);
    expect(running().map((c) => c.id)).toEqual([first!.id]);
    t.runtime.gatewayBehaviour = () => 'serves';
    expect((await api('POST', `${domain}/reload/`)).status).toBe(200);
    const now2 = running();
    expect(now2).toHaveLength(1);
    expect(now2[0]!.id).not.toBe(first!.id);
    expect(now2[0]!.labels.generation).toBeGreaterThan(first!.labels.generation!);
    expect(t.runtime.startedSpecs.at(-1)!.env.PYHOST_WORKERS).toBe('2');
    expect((await api('GET', `${domain}/`)).body).toMatchObject({ state: 'running', settings_warning: null });
  });

  it('reloads in place, through the gateway, when the running server has the saved settings', async () => {
    await start();
    const [first] = running();
    expect((await api('POST', `${domain}/reload/`)).status).toBe(200);
    expect(t.runtime.gatewayOf(first!.id)!.reloads).toBe(1);
    expect(running().map((c) => c.id)).toEqual([first!.id]);
    expect((await api('GET', `${domain}/`)).body).toMatchObject({ last_reload: { ok: true } });
  });

  it('saves settings while the engine does not answer, and warns', async () => {
    await start();
    t.runtime.available = false;
    const patched = await api('PATCH', `${domain}/`, { workers: 3 });
    t.runtime.available = true;
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ workers: 3, settings_warning: expect.stringMatching(/not answering/) });
  });

  it('restarts a container that dies, backing off, and leaves the app crashed after the sixth death until a Reload', async () => {
    await start();
    const reconciler = t.app.services.reconciler;
    for (let death = 1; death <= MAX_RESTARTS + 1; death++) {
      const [active] = running();
      expect(active, `a container before death ${death}`).toBeDefined();
      t.runtime.simulateExit(active!.id, 1);
      now += 61_000; // past any backoff
      await reconciler.trigger();
      if (death <= MAX_RESTARTS) await eventually(() => expect(running()).toHaveLength(1), { what: `the restart after death ${death}` });
    }
    expect(running()).toEqual([]);
    const crashed = (await api('GET', `${domain}/`)).body;
    expect(crashed).toMatchObject({ state: 'crashed', crash_reason: expect.stringMatching(new RegExp(`stopped ${MAX_RESTARTS + 1} times in a row \\(last exit code 1\\)`)) });
    expect(fs.readFileSync(path.join(t.dataDir, 'users', user.username, 'log', `${domain}.error.log`), 'utf8')).toMatch(/\[pyhost\] the app's server stopped 6 times in a row/);
    // Crashed means left alone.
    now += 61_000;
    await reconciler.trigger();
    expect(running()).toEqual([]);
    expect((await api('POST', `${domain}/reload/`)).status).toBe(200);
    expect(running()).toHaveLength(1);
    expect((await api('GET', `${domain}/`)).body).toMatchObject({ crash_reason: null });
  });

  it('marks an app crashed at once, without a restart, when its gateway ended a crash loop (exit status 3)', async () => {
    await start();
    const started = t.runtime.startedSpecs.length;
    t.runtime.simulateExit(running()[0]!.id, 3);
    await t.app.services.reconciler.trigger();
    expect((await api('GET', `${domain}/`)).body).toMatchObject({ state: 'crashed', crash_reason: expect.stringMatching(/kept dying soon after it started/) });
    expect(t.runtime.startedSpecs.length).toBe(started);
  });

  it('removes containers nobody wants: another app\'s that is gone, and old generations', async () => {
    await start();
    const orphan = await t.runtime.start(webappSpec({ instance: t.app.instanceId, workloadId: 999, generation: 1 }));
    const stale = await t.runtime.start(webappSpec({ instance: t.app.instanceId, workloadId: running()[0]!.labels.workload!, generation: 0, domain }));
    await t.app.services.reconciler.trigger();
    expect(t.runtime.get(orphan.id)).toBeUndefined();
    expect(t.runtime.get(stale.id)).toBeUndefined();
    expect(running()).toHaveLength(1);
  });

  it('stops on disable, starts on enable, and leaves nothing behind when deleted', async () => {
    await start();
    const id = t.app.stores.webapps.byDomain(domain)!.id;
    expect((await api('POST', `${domain}/disable/`)).status).toBe(200);
    expect(running()).toEqual([]);
    expect((await api('POST', `${domain}/enable/`)).status).toBe(200);
    expect(running()).toHaveLength(1);
    expect((await api('DELETE', `${domain}/`)).status).toBe(204);
    expect(t.runtime.all().filter((c) => c.labels.kind === 'webapp')).toEqual([]);
    expect(fs.existsSync(webappRunDir(t.dataDir, id))).toBe(false);
    expect(t.app.stores.webapps.byId(id)).toBeUndefined();
  });
});
