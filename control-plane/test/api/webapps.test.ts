import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, asCookie, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { userDirs } from '../../src/domain/layout.js';

describe('web apps API (PythonAnywhere-shaped)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const base = (u: TestUser) => `/api/v0/user/${u.username}/webapps/`;

  beforeAll(async () => {
    t = await createTestApp();
    // Some cases use a domain of their own (outside the base domain): the admin allows them.
    await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(await adminToken(t.app)), payload: { custom_domains: true } });
    alice = await createUser(t.app);
    bob = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('creates the default <username>.<domain> app with a working hello-world WSGI file', async () => {
    const res = await t.app.inject({ method: 'POST', url: base(alice), headers: asToken(alice.token), payload: {} });
    expect(res.statusCode).toBe(201);
    const app = res.json();
    expect(app.domain_name).toBe(`${alice.username}.localhost`);
    expect(app.python_version).toBe('3.11');
    expect(app.user).toBe(alice.username);
    expect(app.source_directory).toBe(`/home/${alice.username}`);
    expect(app.server).toBe('uwsgi');
    expect(app.url).toBe(`http://${alice.username}.localhost:8080/`);
    const wsgi = path.join(userDirs(t.dataDir, alice.username).www, `${alice.username}_localhost_wsgi.py`);
    const text = fs.readFileSync(wsgi, 'utf8');
    expect(text).toContain('def application(environ, start_response)');
    if (process.getuid?.() === 0) expect(fs.statSync(wsgi).uid).toBe((await t.app.inject({ url: '/api/auth/me', headers: asToken(alice.token) })).json().uid);
  });

  it('creates the access, error and server logs empty, the user\'s, 0660; never through a planted symlink', async () => {
    const logDir = userDirs(t.dataDir, alice.username).log;
    const uid = (await t.app.inject({ url: '/api/auth/me', headers: asToken(alice.token) })).json().uid;
    for (const kind of ['access', 'error', 'server']) {
      const st = fs.lstatSync(path.join(logDir, `${alice.username}.localhost.${kind}.log`));
      expect(st.isFile(), kind).toBe(true);
      expect(st.size, kind).toBe(0);
      expect(st.mode & 0o777, kind).toBe(0o660);
      if (process.getuid?.() === 0) expect(st.uid, kind).toBe(uid);
    }

    // What a user's process could leave in its /var/log before creating the app: a link to a
    // file of root's, and a log of its own. Both stay as they are.
    const victim = path.join(t.dataDir, 'root-only.txt');
    fs.writeFileSync(victim, 'secret\n', { mode: 0o600 });
    const domain = `trap.${alice.username}.localhost`;
    fs.symlinkSync(victim, path.join(logDir, `${domain}.error.log`));
    fs.writeFileSync(path.join(logDir, `${domain}.server.log`), 'mine\n');
    const res = await t.app.inject({ method: 'POST', url: base(alice), headers: asToken(alice.token), payload: { domain_name: domain } });
    expect(res.statusCode).toBe(201);
    expect(fs.lstatSync(path.join(logDir, `${domain}.error.log`)).isSymbolicLink()).toBe(true);
    const v = fs.statSync(victim);
    expect([v.uid, v.mode & 0o777]).toEqual([process.getuid?.() ?? v.uid, 0o600]);
    expect(fs.readFileSync(path.join(logDir, `${domain}.server.log`), 'utf8')).toBe('mine\n');
    expect(fs.statSync(path.join(logDir, `${domain}.access.log`)).size).toBe(0);
  });

  it('keeps a WSGI file the user already has', async () => {
    const www = userDirs(t.dataDir, alice.username).www;
    const file = path.join(www, `blog_${alice.username}_localhost_wsgi.py`);
    fs.writeFileSync(file, 'application = None  # mine\n');
    const res = await t.app.inject({ method: 'POST', url: base(alice), headers: asToken(alice.token), payload: { domain_name: `blog.${alice.username}.localhost` } });
    expect(res.statusCode).toBe(201);
    expect(fs.readFileSync(file, 'utf8')).toBe('application = None  # mine\n');
  });

  it('accepts form-encoded bodies and PythonAnywhere python_version names', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: base(bob),
      headers: { ...asToken(bob.token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: `domain_name=www.bob-site.example&python_version=python311`,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().python_version).toBe('3.11');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `${base(bob)}www.bob-site.example/`,
      headers: { ...asToken(bob.token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'force_https=True&workers=3&virtualenv_path=/home/' + bob.username + '/.virtualenvs/site',
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ force_https: true, workers: 3, virtualenv_path: `/home/${bob.username}/.virtualenvs/site` });
  });

  it('lists only the caller’s apps', async () => {
    const list = await t.app.inject({ url: base(alice), headers: asToken(alice.token) });
    expect(list.statusCode).toBe(200);
    const domains = list.json().map((a: { domain_name: string }) => a.domain_name);
    expect(domains).toContain(`${alice.username}.localhost`);
    expect(domains).not.toContain('www.bob-site.example');
  });

  it('refuses bad domains, taken domains and unknown Python versions with clear errors', async () => {
    const cases: [object, number, string][] = [
      [{ domain_name: 'not a domain' }, 400, 'domain_name'],
      [{ domain_name: 'localhost' }, 400, 'domain_name'],
      [{ domain_name: 'www.localhost' }, 400, 'domain_name'],
      [{ domain_name: `${bob.username}.localhost` }, 400, 'domain_name'],
      [{ domain_name: 'x.example', python_version: '2.7' }, 400, 'python_version'],
      [{ domain_name: 'www.bob-site.example' }, 409, ''],
      [{ domain_name: `${alice.username.toUpperCase()}.LOCALHOST.` }, 409, ''],
      [{ domain_name: 'x.example', colour: 'red' }, 400, 'colour'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await t.app.inject({ method: 'POST', url: base(alice), headers: asToken(alice.token), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      if (field) expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
  });

  it('hsts_enabled (Pyhost\'s own field): off by default, switched by PATCH, published to the router', async () => {
    const url = `${base(alice)}${alice.username}.localhost/`;
    const route = () => t.app.stores.routeRows.snapshot().webapps.find((r) => r.domain_name === `${alice.username}.localhost`);
    expect((await t.app.inject({ url, headers: asToken(alice.token) })).json()).toMatchObject({ hsts_enabled: false });
    expect(route()).toMatchObject({ hsts_enabled: 0 });
    const version = t.app.stores.routeRows.currentVersion();
    const on = await t.app.inject({ method: 'PATCH', url, headers: asToken(alice.token), payload: { hsts_enabled: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ hsts_enabled: true });
    expect(route()).toMatchObject({ hsts_enabled: 1 });
    expect(t.app.stores.routeRows.currentVersion()).toBeGreaterThan(version);
    // As pa and pythonanywhere-core send their fields: a form, booleans spelt in Python.
    const off = await t.app.inject({ method: 'PATCH', url, headers: { ...asToken(alice.token), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'hsts_enabled=False' });
    expect(off.json()).toMatchObject({ hsts_enabled: false });
    const bad = await t.app.inject({ method: 'PATCH', url, headers: asToken(alice.token), payload: { hsts_enabled: 'sometimes' } });
    expect(bad.statusCode).toBe(400);
  });

  it('patches every documented field and validates each', async () => {
    const url = `${base(alice)}${alice.username}.localhost/`;
    const ok = await t.app.inject({
      method: 'PATCH',
      url,
      headers: asCookie(alice),
      payload: {
        source_directory: `/home/${alice.username}/mysite`,
        working_directory: `/home/${alice.username}/mysite/`,
        virtualenv_path: `/home/${alice.username}/.virtualenvs/venv`,
        force_https: true,
        password_protection_username: 'guest',
        password_protection_password: 'let-me-in',
        password_protection_enabled: true,
        server: 'gunicorn',
        workers: 2,
        env: { DJANGO_DEBUG: '0', SECRET: 'x' },
        auto_reload: true,
      },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      source_directory: `/home/${alice.username}/mysite`,
      working_directory: `/home/${alice.username}/mysite`,
      force_https: true,
      password_protection_enabled: true,
      password_protection_username: 'guest',
      password_protection_password: null,
      server: 'gunicorn',
      workers: 2,
      env: { DJANGO_DEBUG: '0', SECRET: 'x' },
      auto_reload: true,
    });
    expect(ok.body).not.toContain('let-me-in');

    const bad: [object, string][] = [
      [{ source_directory: '/etc' }, 'source_directory'],
      [{ source_directory: `/home/${bob.username}/x` }, 'source_directory'],
      [{ working_directory: `/home/${alice.username}/../x` }, 'working_directory'],
      [{ virtualenv_path: 'relative/venv' }, 'virtualenv_path'],
      [{ server: 'apache' }, 'server'],
      [{ workers: 0 }, 'workers'],
      [{ workers: 99 }, 'workers'],
      [{ env: { PYHOST_SERVER: 'x' } }, 'env'],
      [{ env: { 'bad-name': 'x' } }, 'env'],
      [{ env: 'nope' }, 'env'],
      [{ password_protection_username: null, password_protection_enabled: true }, 'password_protection_enabled'],
    ];
    for (const [payload, field] of bad) {
      const res = await t.app.inject({ method: 'PATCH', url, headers: asToken(alice.token), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    // Nothing of the rejected patches was stored.
    const after = await t.app.inject({ url, headers: asToken(alice.token) });
    expect(after.json()).toMatchObject({ server: 'gunicorn', workers: 2, password_protection_username: 'guest' });
  });

  it('manages static file mappings', async () => {
    const url = `${base(alice)}${alice.username}.localhost/static_files/`;
    const created = await t.app.inject({ method: 'POST', url, headers: asToken(alice.token), payload: { url: '/static/', path: `/home/${alice.username}/mysite/static` } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect((await t.app.inject({ method: 'POST', url, headers: asToken(alice.token), payload: { url: '/static/', path: `/home/${alice.username}/x` } })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'POST', url, headers: asToken(alice.token), payload: { url: 'static', path: `/home/${alice.username}/x` } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url, headers: asToken(alice.token), payload: { url: '/media/', path: '/etc' } })).statusCode).toBe(400);
    const patched = await t.app.inject({ method: 'PATCH', url: `${url}${id}/`, headers: asToken(alice.token), payload: { path: '/var/www/static' } });
    expect(patched.json()).toEqual({ id, url: '/static/', path: '/var/www/static' });
    const list = await t.app.inject({ url, headers: asToken(alice.token) });
    expect(list.json()).toEqual([{ id, url: '/static/', path: '/var/www/static' }]);
    expect((await t.app.inject({ url: `${url}${id}/`, headers: asToken(bob.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `${url}${id}/`, headers: asToken(alice.token) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: `${url}${id}/`, headers: asToken(alice.token) })).statusCode).toBe(404);
  });

  it("answers 404 for another user's app, whether asked by name or through one's own URL", async () => {
    const theirs = `/api/v0/user/${bob.username}/webapps/www.bob-site.example/`;
    expect((await t.app.inject({ url: theirs, headers: asToken(alice.token) })).statusCode).toBe(404);
    const viaOwn = `/api/v0/user/${alice.username}/webapps/www.bob-site.example/`;
    expect((await t.app.inject({ url: viaOwn, headers: asToken(alice.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: viaOwn, headers: asToken(alice.token) })).statusCode).toBe(404);
    const asAdmin = await t.app.inject({ url: theirs, headers: asToken(await adminToken(t.app)) });
    expect(asAdmin.statusCode).toBe(200);
  });

  it('deletes an app and keeps the user’s files', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `${base(bob)}www.bob-site.example/`, headers: asToken(bob.token) });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ url: `${base(bob)}www.bob-site.example/`, headers: asToken(bob.token) })).statusCode).toBe(404);
    expect(fs.existsSync(path.join(userDirs(t.dataDir, bob.username).www, 'www_bob-site_example_wsgi.py'))).toBe(true);
  });
});
