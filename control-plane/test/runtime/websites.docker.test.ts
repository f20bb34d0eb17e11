import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs, websiteGenerationRunDir } from '../../src/domain/layout.js';
import { createDockerTestApp, expectAllHardened, newUser, writeAsUser, type DockerTestApp } from '../helpers/docker-app.js';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { ASYNCIO, WSGI } from '../helpers/website-apps.js';

/** Websites for real (docs/websites.md): user commands on $DOMAIN_SOCKET in the runtime image, through the v1 API. */
describe('websites on the Docker Engine', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let uid: number;
  const api = (rest = '') => `/api/v1/user/${alice.username}/websites/${rest}`;
  const home = (...p: string[]) => path.join(userDirs(t.dataDir, alice.username).home, ...p);

  beforeAll(async () => {
    t = await createDockerTestApp({ PYHOST_LIMIT_WEBAPPS: '20', PYHOST_RELOAD_TIMEOUT_SECONDS: '8' });
    ({ user: alice, uid } = await newUser(t.app));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function create(domain: string, command: string) {
    const res = await t.app.inject({ method: 'POST', url: api(), headers: asToken(alice.token), payload: { domain_name: domain, enabled: true, webapp: { command } } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: number; state: string; last_error: string | null }>();
  }

  /** GET / on the socket the router serves the domain from (the active generation's app.sock). */
  async function viaRoute(domain: string) {
    const site = t.app.stores.websites.byDomain(domain)!;
    return getViaSocket(path.join(websiteGenerationRunDir(t.dataDir, site.id, site.active_generation), 'app.sock'), '/', 5000, domain);
  }

  it('serves `gunicorn --bind unix:$DOMAIN_SOCKET app:app`, reloads to new code, and keeps the old one on a broken command', async () => {
    const domain = `gu.${alice.username}.localhost`;
    writeAsUser(home('gu', 'app.py'), WSGI('version one'), uid);
    const made = await create(domain, 'cd ~/gu && gunicorn --bind unix:$DOMAIN_SOCKET app:app');
    expect(made, JSON.stringify(made)).toMatchObject({ state: 'running', last_error: null });
    expect(await viaRoute(domain)).toEqual({ status: 200, body: 'version one' });
    const log = fs.readFileSync(path.join(userDirs(t.dataDir, alice.username).log, `${domain}.server.log`), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: \[pyhost\] starting: cd ~\/gu && gunicorn/m);

    writeAsUser(home('gu', 'app.py'), WSGI('version two'), uid);
    const reload = await t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(alice.token) });
    expect(reload.statusCode, reload.body).toBe(200);
    expect(await viaRoute(domain)).toEqual({ status: 200, body: 'version two' });

    writeAsUser(home('gu', 'app.py'), 'raise RuntimeError("broken on purpose")\n', uid);
    const broken = await t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(alice.token) });
    expect(broken.statusCode, broken.body).toBe(422);
    expect(broken.json().detail).toMatch(/\$DOMAIN_SOCKET.*previous version keeps serving/);
    expect(broken.json().log_tail).toContain('broken on purpose');
    expect(await viaRoute(domain)).toEqual({ status: 200, body: 'version two' });
  }, 90_000);

  it('serves a plain Python asyncio server on the unix socket', async () => {
    const domain = `aio.${alice.username}.localhost`;
    writeAsUser(home('aio', 'server.py'), ASYNCIO('hello from asyncio'), uid);
    const made = await create(domain, 'python3 ~/aio/server.py');
    expect(made, JSON.stringify(made)).toMatchObject({ state: 'running' });
    expect(await viaRoute(domain)).toEqual({ status: 200, body: 'hello from asyncio' });
  }, 60_000);

  it('a command that never listens fails within the load limit, saying so', async () => {
    const domain = `mute.${alice.username}.localhost`;
    const t0 = Date.now();
    const made = await create(domain, 'sleep 600');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(made.last_error).toMatch(/printed nothing and never created \$DOMAIN_SOCKET within 8 s/);
    const quits = await create(`quits.${alice.username}.localhost`, 'echo bye; exit 4');
    expect(quits.last_error).toMatch(/exited with code 4 after [\d.]+ s before listening on \$DOMAIN_SOCKET/);
  }, 60_000);
  it("every website container had the web apps' hardening, as the user", async () => {
    expect(await expectAllHardened(t, new Map([[alice.username, uid]]))).toBeGreaterThanOrEqual(5);
  });
});
