import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { activeSocket, createDockerTestApp, helloApp, newUser, waitForState, writeAsUser, wsgiFile, type DockerTestApp } from '../helpers/docker-app.js';
import { copyFixture, writeWsgiFile } from '../helpers/fixtures.js';
import { runAsUser } from '../helpers/one-off.js';
import { startLoad } from '../helpers/load.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { userDirs } from '../../src/domain/layout.js';

/** Real apps: a Django project, a virtualenv, and reloads under load. */
describe('real apps on the Docker Engine', () => {
  let t: DockerTestApp;
  let carol: TestUser;
  let uid: number;
  let home: string;
  const api = (p: string) => `/api/v0/user/${carol.username}/webapps/${p}`;

  beforeAll(async () => {
    t = await createDockerTestApp();
    ({ user: carol, uid } = await newUser(t.app));
    home = userDirs(t.dataDir, carol.username).home;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function create(domain: string, patch: object = {}) {
    const res = await t.app.inject({ method: 'POST', url: api(''), headers: asToken(carol.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
    if (Object.keys(patch).length > 0) {
      const p = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(carol.token), payload: patch });
      expect(p.statusCode, p.body).toBe(200);
    }
    return waitForState(t.app, carol, domain, 'running');
  }

  it('serves a Django project (template and SQLite) with DEBUG off', async () => {
    const domain = `blog.${carol.username}.localhost`;
    await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
    await runAsUser({ uid, username: carol.username, home, workdir: `/home/${carol.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });
    await writeWsgiFile(wsgiFile(t, carol, domain), `/home/${carol.username}/blog`, { uid, gid: uid });
    await create(domain, { source_directory: `/home/${carol.username}/blog` });
    const page = await getViaSocket(activeSocket(t, domain), '/', 5000, domain);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Pyhost blog');
    const missing = await getViaSocket(activeSocket(t, domain), '/no-such-page/', 5000, domain);
    expect(missing.status).toBe(404);
    // With DEBUG on, Django would list its URL patterns here.
    expect(missing.body).not.toMatch(/URLconf|Using the URLconf/);
  });

  it('imports a package installed in the virtualenv after a reload', async () => {
    const domain = `venv.${carol.username}.localhost`;
    await create(domain);
    const venv = `/home/${carol.username}/.virtualenvs/hello`;
    await runAsUser({ uid, username: carol.username, home, cmd: ['python3', '-m', 'venv', '--system-site-packages', venv] });
    const patched = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(carol.token), payload: { virtualenv_path: venv } });
    expect(patched.statusCode, patched.body).toBe(200);

    await copyFixture('pkg-hello', path.join(home, 'pkg-hello'), { uid, gid: uid });
    await runAsUser({ uid, username: carol.username, home, cmd: [`${venv}/bin/pip`, 'install', '--no-index', '--no-build-isolation', `/home/${carol.username}/pkg-hello`] });
    writeAsUser(
      wsgiFile(t, carol, domain),
      [
        'from pyhost_hello import greet',
        'def application(environ, start_response):',
        '    body = greet().encode()',
        "    start_response('200 OK', [('Content-Type', 'text/plain')])",
        '    return [body]',
        '',
      ].join('\n'),
      uid,
    );
    const reload = await t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(carol.token) });
    expect(reload.statusCode, reload.body).toBe(200);
    expect((await getViaSocket(activeSocket(t, domain))).body).toBe('hello from a virtualenv');
  });

  it('drops no request from 20 concurrent clients over 15 s with three reloads in the middle', async () => {
    const domain = `load.${carol.username}.localhost`;
    await create(domain);
    const file = wsgiFile(t, carol, domain);
    writeAsUser(file, helloApp('version 0'), uid);
    expect((await t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(carol.token) })).statusCode).toBe(200);
    const load = startLoad({ socketPath: activeSocket(t, domain), url: 'http://localhost/', concurrency: 20, durationMs: 15_000, expectBodyIncludes: 'version' });
    const reloads: number[] = [];
    for (let i = 1; i <= 3; i++) {
      await new Promise((r) => setTimeout(r, 3500));
      writeAsUser(file, helloApp(`version ${i}`), uid);
      const res = await t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(carol.token) });
      reloads.push(res.statusCode);
    }
    const result = await load.done;
    expect(reloads).toEqual([200, 200, 200]);
    expect(result.failures, JSON.stringify(result.failureSamples)).toBe(0);
    expect(result.requests).toBeGreaterThan(1000);
    expect((await getViaSocket(activeSocket(t, domain))).body).toBe('version 3');
  }, 60_000);
});
