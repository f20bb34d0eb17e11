import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/runtime/index.js';
import { userDirs } from '../../src/domain/layout.js';
import { ADMIN } from '../helpers/test-app.js';
import { ServerProcess, freePort } from '../helpers/server-process.js';
import { eventually } from '../helpers/eventually.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { helloApp } from '../helpers/docker-app.js';

const docker = createDockerClient();

interface AppJson {
  id: number;
  domain_name: string;
  state: string;
}

/** The api dies or restarts; the apps must not notice, and nothing may be left half-done. */
describe('restarting the control plane', () => {
  let dataDir: string;
  let server: ServerProcess;
  let token: string;
  let instance: string;
  const user = ADMIN.username;
  const domains = ['a', 'b', 'c'].map((x) => `${x}.${ADMIN.username}.localhost`);

  const containersOf = async (webappId?: number) =>
    docker.listContainers({
      all: true,
      filters: { label: [`io.pyhost.instance=${instance}`, ...(webappId ? [`io.pyhost.webapp=${webappId}`] : [])] },
    });

  async function apps(): Promise<AppJson[]> {
    const res = await server.request('GET', `/api/v0/user/${user}/webapps/`, token);
    return res.json() as AppJson[];
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-restart-'));
    server = new ServerProcess({ PYHOST_DATA: dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_LOG_LEVEL: 'warn' }, await freePort());
    await server.start();
    instance = ((await server.request('GET', '/api/health', null)).json() as { instance: string }).instance;
    const login = await server.fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf_token } = (await login.json()) as { csrf_token: string };
    const tok = await server.fetch('/api/auth/tokens', { method: 'POST', headers: { cookie, 'x-csrf-token': csrf_token, 'content-type': 'application/json' }, body: '{}' });
    token = ((await tok.json()) as { token: string }).token;
    for (const d of domains) expect((await server.request('POST', `/api/v0/user/${user}/webapps/`, token, { domain_name: d })).status).toBe(201);
    await eventually(async () => expect((await apps()).map((a) => a.state)).toEqual(['running', 'running', 'running']), { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await server?.stop();
    if (instance) for (const c of await containersOf()) await docker.getContainer(c.Id).remove({ force: true });
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves running apps untouched across a graceful restart', async () => {
    const before = (await containersOf()).map((c) => c.Id).sort();
    await server.stop();
    expect((await containersOf()).filter((c) => c.State === 'running').map((c) => c.Id).sort()).toEqual(before);
    await server.start();
    await eventually(async () => expect((await apps()).map((a) => a.state)).toEqual(['running', 'running', 'running']), { timeoutMs: 20_000 });
    expect((await containersOf()).map((c) => c.Id).sort()).toEqual(before);
  });

  it('after kill -9 in the middle of reloads and replacements, every app ends in a final state with exactly one container', async () => {
    const [a, b, c] = await apps();
    const www = userDirs(dataDir, user).www;
    const bFile = path.join(www, `${b!.domain_name.replace(/\./g, '_')}_wsgi.py`);
    fs.writeFileSync(bFile, helloApp('b after reload'));
    // Fire and do not wait: the api dies while these are in flight.
    const inflight = [
      server.request('PATCH', `/api/v0/user/${user}/webapps/${a!.domain_name}/`, token, { server: 'gunicorn' }).catch(() => null),
      server.request('POST', `/api/v0/user/${user}/webapps/${b!.domain_name}/reload/`, token).catch(() => null),
      server.request('PATCH', `/api/v0/user/${user}/webapps/${c!.domain_name}/`, token, { workers: 2 }).catch(() => null),
    ];
    await new Promise((r) => setTimeout(r, 400));
    await server.kill9();
    await Promise.all(inflight);

    await server.start();
    await eventually(
      async () => {
        const list = await apps();
        expect(list.map((x) => x.state)).toEqual(['running', 'running', 'running']);
        for (const app of list) {
          const mine = await containersOf(app.id);
          expect(mine, `${app.domain_name} containers`).toHaveLength(1);
          expect(mine[0]!.State).toBe('running');
        }
      },
      { timeoutMs: 45_000, what: 'every app running on exactly one container' },
    );
    // Each app answers on the socket of its active generation.
    for (const app of await apps()) {
      const [container] = await containersOf(app.id);
      const generation = container!.Labels['io.pyhost.generation'];
      const res = await getViaSocket(path.join(dataDir, 'run', String(app.id), `g${generation}`, 'app.sock'));
      expect(res.status).toBe(200);
    }
    // No run directory is left behind for a generation that no longer exists.
    for (const app of await apps()) {
      const dirs = fs.readdirSync(path.join(dataDir, 'run', String(app.id)));
      expect(dirs, `${app.domain_name} run dirs`).toHaveLength(1);
    }
  });
});
