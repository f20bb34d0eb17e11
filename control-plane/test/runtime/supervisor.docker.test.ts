import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/runtime/index.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/server-process.js';
import { isAlive, SupervisorProcess } from '../helpers/supervisor-process.js';
import { ADMIN } from '../helpers/test-app.js';
import { firstSuccessAfter, startTimedLoad, successesAfter, tally, type Attempt } from '../helpers/timed-load.js';
import { routerRequest } from '../ingress/router-fixture.js';

// `npm start` runs the api and the router under src/supervisor.ts. Killing
// either one with SIGKILL under load: the supervisor starts it again, the
// other keeps running, and app requests fail only while the router itself
// is down — for less than ROUTER_BACK_WITHIN_MS.

const CLIENTS = 16;
// The router restarts under tsx, which compiles it as it starts: about a
// second on an idle machine, several on a busy one; a restart delay of the
// supervisor's own would show as more.
const ROUTER_BACK_WITHIN_MS = 6000;

describe("npm start's supervisor", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function startSupervisor(env: Record<string, string> = {}): Promise<{ sv: SupervisorProcess; dataDir: string; port: number }> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-sv-'));
    const port = await freePort();
    const sv = new SupervisorProcess({
      PYHOST_DATA: dataDir,
      PYHOST_PORT: String(port),
      PYHOST_HOST: '127.0.0.1',
      PYHOST_ADMIN_USER: ADMIN.username,
      PYHOST_ADMIN_PASSWORD: ADMIN.password,
      // info: the supervisor's "started the …" lines name the children's pids.
      PYHOST_LOG_LEVEL: 'info',
      ...env,
    });
    cleanups.push(async () => {
      await sv.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    return { sv, dataDir, port };
  }

  it('restarts whichever process is killed; apps fail only while the router is down; SIGTERM stops both', async () => {
    const { sv, port } = await startSupervisor();
    const apiHealthy = async () => expect((await sv.api('GET', '/api/health')).status).toBe(200);
    const dashboardThroughRouter = async () => expect((await routerRequest(port, 'localhost', '/api/health')).status).toBe(200);
    await eventually(apiHealthy, { timeoutMs: 30_000, what: `the api to answer (${sv.output.slice(-1000)})` });
    await eventually(dashboardThroughRouter, { timeoutMs: 30_000, what: 'the dashboard through the router' });

    const instance = (JSON.parse((await sv.api('GET', '/api/health')).text) as { instance: string }).instance;
    cleanups.push(async () => {
      const docker = createDockerClient();
      for (const c of await docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${instance}`] } })) {
        await docker.getContainer(c.Id).remove({ force: true });
      }
    });
    const login = await sv.api('POST', '/api/auth/login', { body: ADMIN });
    const cookie = login.setCookie!.split(';')[0]!;
    const { csrf_token } = JSON.parse(login.text) as { csrf_token: string };
    const { token } = JSON.parse((await sv.api('POST', '/api/auth/tokens', { cookie, csrf: csrf_token, body: {} })).text) as { token: string };
    const domain = `app.${ADMIN.username}.localhost`;
    const created = await sv.api('POST', `/api/v0/user/${ADMIN.username}/webapps/`, { token, body: { domain_name: domain } });
    expect(created.status, created.text).toBe(201);
    await eventually(async () => expect((await routerRequest(port, domain, '/')).body).toContain('Hello'), { timeoutMs: 60_000, what: 'the app through the router' });

    const load = startTimedLoad({ url: `http://127.0.0.1:${port}/`, host: domain, concurrency: CLIENTS, durationMs: 120_000, expectBodyIncludes: 'Hello' });
    cleanups.push(async () => void (await load.stop()));
    const loadStart = performance.now();
    await successesAfter(load, loadStart, 200);

    // 1. kill -9 the api: no app request fails; the api and the dashboard come back.
    const api1 = sv.childPids('api').at(-1)!;
    const router1 = sv.childPids('router').at(-1)!;
    const apiKilledAt = performance.now();
    process.kill(api1, 'SIGKILL');
    const api2 = await sv.nextPid('api', api1);
    await eventually(apiHealthy, { timeoutMs: 30_000, intervalMs: 20, what: 'the restarted api on its socket' });
    const apiBackAt = performance.now();
    await eventually(dashboardThroughRouter, { timeoutMs: 10_000, intervalMs: 20, what: 'the dashboard through the router after the api restart' });
    const dashboardBackAt = performance.now();
    await successesAfter(load, dashboardBackAt, 200);
    const duringApiRestart = tally(load.attempts, apiKilledAt, apiBackAt);
    expect(described(load.attempts.filter((a) => !a.ok)), 'app requests failed while the api was down').toEqual([]);
    expect(duringApiRestart.served).toBeGreaterThan(0);
    expect(sv.childPids('router').at(-1), 'the router was left alone').toBe(router1);

    // 2. kill -9 the router: requests fail only until the new router answers, within 2 s.
    const routerKilledAt = performance.now();
    process.kill(router1, 'SIGKILL');
    await sv.nextPid('router', router1);
    const routerBackAt = await eventually(
      () => {
        const t = firstSuccessAfter(load.attempts, routerKilledAt);
        if (t === undefined) throw new Error('no app request has succeeded since the kill');
        return t;
      },
      { timeoutMs: 30_000, intervalMs: 10, what: 'an app request through the restarted router' },
    );
    await successesAfter(load, routerBackAt, 500);
    const routerGapMs = routerBackAt - routerKilledAt;
    const duringRouterRestart = tally(load.attempts, routerKilledAt, routerBackAt);
    // The requests the kill cut off end after it; none may start once the new router is serving.
    const strayFailures = load.attempts.filter((a) => !a.ok && (a.endedAt < routerKilledAt || a.startedAt > routerBackAt));
    expect(described(strayFailures), 'app requests that failed while the router was up').toEqual([]);
    expect(routerGapMs, 'from the kill to the first app request served by the new router').toBeLessThan(ROUTER_BACK_WITHIN_MS);
    expect(sv.childPids('api').at(-1), 'the api was left alone').toBe(api2);
    await eventually(dashboardThroughRouter, { timeoutMs: 10_000, intervalMs: 20, what: 'the api to dial the new router' });

    const all = await load.stop();
    const router2 = sv.childPids('router').at(-1)!;
    console.info(
      `supervisor kill -9 under ${CLIENTS} clients:` +
        ` api: ${duringApiRestart.served} served / ${duringApiRestart.failed} failed while it restarted, on its socket again after ${ms(apiBackAt - apiKilledAt)}, dashboard through the router after ${ms(dashboardBackAt - apiKilledAt)};` +
        ` router: ${duringRouterRestart.served} served / ${duringRouterRestart.failed} failed, first app request served ${ms(routerGapMs)} after the kill;` +
        ` whole run: ${all.filter((a) => a.ok).length} served / ${all.filter((a) => !a.ok).length} failed`,
    );

    // 3. SIGTERM the supervisor: both children stop, and so does it, with 0.
    sv.signal('SIGTERM');
    expect(await sv.exited, sv.output.slice(-2000)).toEqual({ code: 0, signal: null });
    expect(isAlive(api2), 'the api after the supervisor exited').toBe(false);
    expect(isAlive(router2), 'the router after the supervisor exited').toBe(false);
    expect(sv.output).toContain('the api and the router have stopped');
  }, 240_000);

  it('gives up, stopping the router, when the api cannot start at all', async () => {
    // The api exits 2 at once when the Docker Engine does not answer.
    const { sv } = await startSupervisor({ PYHOST_DOCKER_SOCKET: path.join(os.tmpdir(), 'pyhost-no-docker.sock') });
    const exit = await sv.exited;
    expect(exit, sv.output.slice(-2000)).toEqual({ code: 2, signal: null });
    expect(sv.output).toMatch(/the api exited 5 times in a row at start \(last: status 2\)/);
    expect(sv.childPids('api')).toHaveLength(5);
    expect(sv.childPids('router')).toHaveLength(1);
    expect(isAlive(sv.childPids('router')[0]!)).toBe(false);
  }, 300_000); // five api starts under tsx: a minute or two on a busy machine

  it('refuses a bad setting before starting anything', async () => {
    const { sv } = await startSupervisor({ PYHOST_PORT: 'eighty' });
    expect(await sv.exited).toEqual({ code: 2, signal: null });
    expect(sv.output).toContain('pyhost: PYHOST_PORT must be a whole number');
    expect(sv.childPids('api')).toEqual([]);
    expect(sv.childPids('router')).toEqual([]);
  });
});

/** The first few failures, readably (performance.now() times). */
function described(failures: readonly Attempt[]): string[] {
  const shown = failures.slice(0, 10).map((a) => `${a.reason} (sent at ${ms(a.startedAt)}, ended at ${ms(a.endedAt)})`);
  return failures.length > shown.length ? [...shown, `… ${failures.length} in all`] : shown;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}
