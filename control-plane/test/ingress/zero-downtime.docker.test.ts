import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/runtime/index.js';
import { userDirs } from '../../src/domain/layout.js';
import { helloApp, writeAsUser, wsgiFile } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { startLoad, type LoadResult } from '../helpers/load.js';
import { RouterProcess } from '../helpers/router-process.js';
import { freePort, ServerProcess } from '../helpers/server-process.js';
import { ADMIN } from '../helpers/test-app.js';
import { createRouterFixture, routerRequest, type RouterFixture } from './router-fixture.js';

const CLIENTS = 20;

function expectNoFailures(result: LoadResult, what: string): void {
  expect(result.failures, `${what}: ${result.failureSamples.join('; ')}`).toBe(0);
  expect(result.requests, `${what}: requests served`).toBeGreaterThan(100);
}

/** Reloads, container replacements and api restarts while 20 clients keep asking: nothing may fail. */
describe('zero downtime through the router', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('holds requests through an in-place reload and a container replacement', async () => {
    const f: RouterFixture = await createRouterFixture();
    cleanups.push(() => f.close());
    const domain = await f.createApp('steady', helloApp('steady v1'));
    const load = startLoad({ url: `http://127.0.0.1:${f.router.port}/`, host: domain, concurrency: CLIENTS, durationMs: 60_000, expectBodyIncludes: 'steady v' });
    await sleep(1000);
    writeAsUser(wsgiFile(f.t, f.user, domain), helloApp('steady v2'), f.uid);
    const reload = await f.api('POST', `${domain}/reload/`);
    expect(reload.statusCode, reload.body).toBe(200);
    await sleep(500);
    const replace = await f.api('PATCH', `${domain}/`, { workers: 2 });
    expect(replace.statusCode, replace.body).toBe(200);
    await sleep(500);
    const again = await f.api('PATCH', `${domain}/`, { server: 'gunicorn' });
    expect(again.statusCode, again.body).toBe(200);
    await sleep(1000);
    const result = await load.stop();
    expectNoFailures(result, 'reload and replacements');
    expect((await f.request(domain)).body).toBe('steady v2');
  });

  it('keeps serving apps while the api is killed and restarted (separate processes)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-rr-'));
    const env = { PYHOST_DATA: dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_LOG_LEVEL: 'warn' };
    const api = new ServerProcess(env, await freePort());
    const router = new RouterProcess(env, await freePort());
    let instance = '';
    cleanups.push(async () => {
      await router.stop();
      await api.stop();
      const docker = createDockerClient();
      if (instance) {
        for (const c of await docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${instance}`] } })) {
          await docker.getContainer(c.Id).remove({ force: true });
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    await api.start();
    await router.start();
    instance = ((await api.request('GET', '/api/health', null)).json() as { instance: string }).instance;
    const login = await api.fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf_token } = (await login.json()) as { csrf_token: string };
    const tok = await api.fetch('/api/auth/tokens', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf_token, 'content-type': 'application/json' }, body: '{}' });
    const token = ((await tok.json()) as { token: string }).token;
    const domain = `app.${ADMIN.username}.localhost`;
    const created = await api.request('POST', `/api/v0/user/${ADMIN.username}/webapps/`, token, { domain_name: domain });
    expect(created.status, created.text).toBe(201);
    await eventually(async () => expect(((await api.request('GET', `/api/v0/user/${ADMIN.username}/webapps/${domain}/`, token)).json() as { state: string }).state).toBe('running'), { timeoutMs: 30_000 });
    expect(fs.existsSync(userDirs(dataDir, ADMIN.username).log)).toBe(true);

    const load = startLoad({ url: `http://127.0.0.1:${router.port}/`, host: domain, concurrency: CLIENTS, durationMs: 60_000, expectBodyIncludes: 'Hello' });
    await sleep(1000);
    await api.kill9();
    await sleep(1000);
    await api.start();
    await sleep(500);
    await api.stop();
    await sleep(500);
    await api.start();
    await sleep(1000);
    const result = await load.stop();
    expectNoFailures(result, 'api kill -9 and restarts');
    // The dashboard answers again through the router.
    expect((await routerRequest(router.port, 'localhost', '/api/health')).status).toBe(200);
  });
});
