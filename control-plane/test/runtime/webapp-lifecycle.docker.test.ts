import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, type TestUser } from '../helpers/test-app.js';
import {
  activeSocket,
  createDockerTestApp,
  docker,
  errorLog,
  expectAllHardened,
  getWebapp,
  helloApp,
  newUser,
  waitForState,
  writeAsUser,
  wsgiFile,
  type DockerTestApp,
} from '../helpers/docker-app.js';
import { runAsUser } from '../helpers/one-off.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { userDirs } from '../../src/domain/layout.js';
import { eventually } from '../helpers/eventually.js';

/** Web apps for real: containers on the Docker Engine, driven through the API. */
describe('web app lifecycle on the Docker Engine', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let aliceUid: number;
  const uids = new Map<string, number>();
  const api = (path: string) => `/api/v0/user/${alice.username}/webapps/${path}`;

  beforeAll(async () => {
    // alice makes a web app per case, more than an account's default limit.
    t = await createDockerTestApp({ PYHOST_LIMIT_WEBAPPS: '100' });
    ({ user: alice, uid: aliceUid } = await newUser(t.app));
    uids.set(alice.username, aliceUid);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function create(domain: string, patch: object = {}) {
    const res = await t.app.inject({ method: 'POST', url: api(''), headers: asToken(alice.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
    if (Object.keys(patch).length > 0) {
      const p = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(alice.token), payload: patch });
      expect(p.statusCode, p.body).toBe(200);
    }
    return waitForState(t.app, alice, domain, 'running');
  }

  function reload(domain: string) {
    return t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(alice.token) });
  }

  for (const server of ['uwsgi', 'gunicorn'] as const) {
    it(`serves the hello-world app through its socket under ${server}`, async () => {
      const domain = `${server}.${alice.username}.localhost`;
      const app = await create(domain, server === 'gunicorn' ? { server } : {});
      expect(app.server).toBe(server);
      const res = await getViaSocket(activeSocket(t, domain));
      expect(res.status).toBe(200);
      expect(res.body).toContain('Hello, World!');
    });
  }

  it('reloads edited code, keeps serving the old version when the new one is broken, and recovers', async () => {
    const domain = `edit.${alice.username}.localhost`;
    await create(domain);
    const file = wsgiFile(t, alice, domain);
    const socket = activeSocket(t, domain);

    writeAsUser(file, helloApp('version two'), aliceUid);
    const ok = await reload(domain);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await getViaSocket(socket)).body).toBe('version two');
    const after = await getWebapp(t.app, alice, domain);
    expect(after.last_reload).toMatchObject({ ok: true });

    writeAsUser(file, 'import nonexistent_module_xyz\n' + helloApp('broken'), aliceUid);
    const broken = await reload(domain);
    expect(broken.statusCode).toBe(422);
    expect(broken.json().detail).toMatch(/nonexistent_module_xyz/);
    expect(broken.json().log_tail).toMatch(/ModuleNotFoundError/);
    expect(fs.readFileSync(errorLog(t, alice, domain), 'utf8')).toMatch(/Traceback[\s\S]*ModuleNotFoundError/);
    expect((await getViaSocket(socket)).body).toBe('version two');
    expect((await getWebapp(t.app, alice, domain)).last_reload).toMatchObject({ ok: false });

    writeAsUser(file, helloApp('version three'), aliceUid);
    expect((await reload(domain)).statusCode).toBe(200);
    expect((await getViaSocket(socket)).body).toBe('version three');
  });

  it.each([
    ['a WSGI file without application', 'app = None\n', /application/],
    ['a WSGI file with a syntax error', 'def application(:\n', /SyntaxError/],
  ])('reports %s on reload and keeps the old version', async (_name, code, message) => {
    const domain = `bad${Math.random().toString(36).slice(2, 8)}.${alice.username}.localhost`;
    await create(domain);
    writeAsUser(wsgiFile(t, alice, domain), code, aliceUid);
    const res = await reload(domain);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail + res.json().log_tail).toMatch(message);
    expect((await getViaSocket(activeSocket(t, domain))).body).toContain('Hello, World!');
  });

  it('saves a virtualenv that does not exist yet, warns, and the old container keeps serving', async () => {
    // Was: 422 and nothing stored. PythonAnywhere saves settings and applies them at the next
    // Reload, and its tools configure before they create the folders. (A missing source or
    // working directory is no reason not to start at all: see the next test.)
    const domain = `cfg.${alice.username}.localhost`;
    await create(domain);
    const socket = activeSocket(t, domain);
    const cases: [object, object, RegExp][] = [
      [{ virtualenv_path: `/home/${alice.username}/.virtualenvs/nope` }, { virtualenv_path: `/home/${alice.username}/.virtualenvs/nope` }, /virtualenv .*nope does not exist/],
    ];
    for (const [patch, saved, why] of cases) {
      const res = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(alice.token), payload: patch });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject(saved);
      expect(res.json().settings_warning).toMatch(why);
      expect(res.json().settings_warning).toMatch(/previous version keeps serving/);
      expect(activeSocket(t, domain)).toBe(socket);
      expect((await getViaSocket(socket)).body).toContain('Hello, World!');
      const w = await getWebapp(t.app, alice, domain);
      expect(w).toMatchObject({ ...saved, state: 'running' });
      expect(w.settings_warning).toMatch(why);
    }
    // One container: the one that did not start is gone.
    const id = t.app.stores.webapps.byDomain(domain)!.id;
    expect(await docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.webapp=${id}`] } })).toHaveLength(1);

    // Reload while the folder is still missing: refused as a reload is, the old version still serves.
    const early = await reload(domain);
    expect(early.statusCode).toBe(422);
    expect(early.json().detail).toMatch(/does not exist.*previous version keeps serving/);
    expect((await getViaSocket(activeSocket(t, domain))).body).toContain('Hello, World!');
    expect((await getWebapp(t.app, alice, domain)).settings_warning).toMatch(/does not exist/);
  });

  it('serves the WSGI file from a source or working directory that does not exist, as PythonAnywhere does, and says so in the server log', async () => {
    // `pa webapp create` saves source_directory=~/<domain>, never creates it, and ends with a
    // Reload: that was a 422 (the gateway refused to start), so `pa` failed.
    const domain = `nodir.${alice.username}.localhost`;
    await create(domain);
    writeAsUser(wsgiFile(t, alice, domain), ['import os', helloApp('x').replace('"x".encode()', '("cwd=" + os.getcwd()).encode()')].join('\n'), aliceUid);
    const home = `/home/${alice.username}`;
    const serverLog = path.join(userDirs(t.dataDir, alice.username).log, `${domain}.server.log`);
    for (const [patch, warning] of [
      [{ source_directory: `${home}/${domain}` }, `source directory ${home}/${domain} does not exist; serving the WSGI file anyway`],
      [{ working_directory: `${home}/no/such/dir` }, `working directory ${home}/no/such/dir does not exist; the server runs in the home folder ${home} instead`],
    ] as const) {
      const patched = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(alice.token), payload: patch });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({ ...patch, settings_warning: null, state: 'running' });
      const res = await reload(domain);
      expect(res.statusCode, res.body).toBe(200);
      expect((await getViaSocket(activeSocket(t, domain))).body).toBe(`cwd=${home}`);
      expect(fs.readFileSync(serverLog, 'utf8')).toContain(`[pyhost] warning: ${warning}`);
    }
    expect(await getWebapp(t.app, alice, domain)).toMatchObject({ state: 'running', settings_warning: null, last_reload: { ok: true } });
  });

  it('applies saved settings at the next Reload once the files exist (configure, create, reload), and clears the warning', async () => {
    const domain = `later.${alice.username}.localhost`;
    await create(domain);
    const before = activeSocket(t, domain);
    const project = `/home/${alice.username}/later-site`;
    const venv = `/home/${alice.username}/.virtualenvs/later`;
    const patched = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(alice.token), payload: { source_directory: project, virtualenv_path: venv } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().settings_warning).toMatch(/does not exist/);

    const home = userDirs(t.dataDir, alice.username).home;
    await runAsUser({ uid: aliceUid, username: alice.username, home, cmd: ['python3', '-m', 'venv', '--system-site-packages', venv] });
    writeAsUser(path.join(home, 'later-site', 'greeting.py'), 'TEXT = "from the saved settings"\n', aliceUid);
    writeAsUser(
      wsgiFile(t, alice, domain),
      ['import sys', 'from greeting import TEXT', helloApp('x').replace('"x".encode()', '(TEXT + " " + sys.prefix).encode()')].join('\n'),
      aliceUid,
    );
    const res = await reload(domain);
    expect(res.statusCode, res.body).toBe(200);
    const after = activeSocket(t, domain);
    expect(after).not.toBe(before);
    expect((await getViaSocket(after)).body).toBe(`from the saved settings ${venv}`);
    const w = await getWebapp(t.app, alice, domain);
    expect(w).toMatchObject({ source_directory: project, virtualenv_path: venv, settings_warning: null, last_reload: { ok: true } });
  });

  it('replaces the container without downtime when the server kind changes', async () => {
    const domain = `swap.${alice.username}.localhost`;
    await create(domain);
    const before = activeSocket(t, domain);
    const res = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(alice.token), payload: { server: 'gunicorn', workers: 2 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ server: 'gunicorn', workers: 2, state: 'running' });
    const after = activeSocket(t, domain);
    expect(after).not.toBe(before);
    expect((await getViaSocket(after)).body).toContain('Hello, World!');
    // The old generation is gone: one container per app.
    const containers = await docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.webapp=${t.app.stores.webapps.byDomain(domain)!.id}`] } });
    expect(containers).toHaveLength(1);
  });

  it('disable stops the container, enable starts it, delete removes it and keeps the files', async () => {
    const domain = `toggle.${alice.username}.localhost`;
    await create(domain);
    const id = t.app.stores.webapps.byDomain(domain)!.id;
    const mine = () => docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.webapp=${id}`] } });

    expect((await t.app.inject({ method: 'POST', url: api(`${domain}/disable/`), headers: asToken(alice.token) })).statusCode).toBe(200);
    expect(await mine()).toHaveLength(0);
    expect((await getWebapp(t.app, alice, domain)).state).toBe('disabled');
    expect((await reload(domain)).statusCode).toBe(409);

    expect((await t.app.inject({ method: 'POST', url: api(`${domain}/enable/`), headers: asToken(alice.token) })).statusCode).toBe(200);
    await waitForState(t.app, alice, domain, 'running');
    expect(await mine()).toHaveLength(1);

    expect((await t.app.inject({ method: 'DELETE', url: api(`${domain}/`), headers: asToken(alice.token) })).statusCode).toBe(204);
    expect(await mine()).toHaveLength(0);
    expect(fs.existsSync(wsgiFile(t, alice, domain))).toBe(true);
  });

  it('restores a container removed behind its back (docker rm -f)', async () => {
    const domain = `restore.${alice.username}.localhost`;
    await create(domain);
    const id = t.app.stores.webapps.byDomain(domain)!.id;
    const [first] = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.webapp=${id}`] } });
    await docker.getContainer(first!.Id).remove({ force: true });
    await eventually(
      async () => {
        const now = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.webapp=${id}`] } });
        expect(now).toHaveLength(1);
        expect(now[0]!.Id).not.toBe(first!.Id);
      },
      { timeoutMs: 20_000, what: 'a new container' },
    );
    await waitForState(t.app, alice, domain, 'running');
    expect((await getViaSocket(activeSocket(t, domain))).body).toContain('Hello, World!');
  });

  it('never touches containers without its instance label', async () => {
    const stranger = await docker.createContainer({ Image: 'pyhost-runtime:latest', Entrypoint: ['sleep', '60'], Labels: { 'io.pyhost.managed': 'true', 'io.pyhost.instance': 'someone-else', 'io.pyhost.kind': 'webapp', 'io.pyhost.webapp': '1', 'io.pyhost.generation': '1', 'io.pyhost.user': 'x' } });
    const plain = await docker.createContainer({ Image: 'pyhost-runtime:latest', Entrypoint: ['sleep', '60'] });
    try {
      await t.app.services.reconciler!.trigger();
      expect(await stranger.inspect()).toBeTruthy();
      expect(await plain.inspect()).toBeTruthy();
    } finally {
      await stranger.remove({ force: true });
      await plain.remove({ force: true });
    }
  });

  it('created every container hardened, on every path (create, reload, replace, restore)', async () => {
    const checked = await expectAllHardened(t, uids);
    expect(checked).toBeGreaterThanOrEqual(8);
  });
});
