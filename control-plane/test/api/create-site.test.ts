import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, asToken, createTestApp, createUser, multipart, type TestApp, type TestUser } from '../helpers/test-app.js';
import { userDirs } from '../../src/domain/layout.js';
import { FLASK_HELLO } from '../../src/domain/wsgi-templates.js';

// "Add a new web app" as one request: POST webapps/ with Pyhost's framework
// fields checks everything, then writes the files, inserts the app pointed
// at its code and starts one container. A refusal leaves nothing behind.
describe('creating a site (POST webapps/ with a framework)', () => {
  let t: TestApp;
  const webapps = (u: TestUser) => `/api/v0/user/${u.username}/webapps/`;
  const home = (u: TestUser) => `/home/${u.username}`;
  const onDisk = (u: TestUser, visible: string) => path.join(userDirs(t.dataDir, u.username).home, path.relative(home(u), visible));
  const wsgiOnDisk = (u: TestUser, domain: string) => path.join(userDirs(t.dataDir, u.username).www, `${domain.replace(/\./g, '_')}_wsgi.py`);

  beforeAll(async () => {
    t = await createTestApp();
    // Some cases use a domain of their own (outside the base domain): the admin allows them.
    await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(await adminToken(t.app)), payload: { custom_domains: true } });
  });
  afterAll(() => t.close());

  const create = (u: TestUser, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: webapps(u), headers: asToken(u.token), payload });

  async function upload(u: TestUser, visible: string, content: string): Promise<void> {
    const body = multipart(content);
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/files/path${visible}`, headers: { ...asToken(u.token), ...body.headers }, payload: body.payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
  }

  async function uidOf(u: TestUser): Promise<number> {
    return (await t.app.inject({ url: '/api/auth/me', headers: asToken(u.token) })).json<{ uid: number }>().uid;
  }

  /** Whose each file is, as the user sees it: only checked where this process can hand files over (root). */
  async function expectOwnedByUser(u: TestUser, file: string): Promise<void> {
    if (process.getuid?.() === 0) expect(fs.statSync(file).uid, file).toBe(await uidOf(u));
  }

  /** The runtime calls that started a container for web app `id`. */
  const startsOf = (id: number) => t.runtime.calls.filter((c) => c.startsWith(`start webapp ${id} g`));

  /** Everything in the user's three folders (path, kind, owner, content), to show a refusal wrote nothing. */
  function snapshot(u: TestUser): string[] {
    const root = userDirs(t.dataDir, u.username).root;
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(dir).sort()) {
        const full = path.join(dir, name);
        const st = fs.lstatSync(full);
        const what = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? `link ${fs.readlinkSync(full)}` : crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
        out.push(`${path.relative(root, full)} ${st.uid} ${st.mode.toString(8)} ${what}`);
        if (st.isDirectory()) walk(full);
      }
    };
    walk(root);
    return out;
  }

  /** Runs `refused` and checks it changed nothing: no files, no app, no container. */
  async function expectNothingDone(u: TestUser, refused: () => Promise<{ statusCode: number; body: string }>): Promise<{ statusCode: number; field?: string; detail: string }> {
    const files = snapshot(u);
    const apps = (await t.app.inject({ url: webapps(u), headers: asToken(u.token) })).json<unknown[]>();
    const starts = t.runtime.startedSpecs.length;
    const res = await refused();
    expect(snapshot(u)).toEqual(files);
    expect((await t.app.inject({ url: webapps(u), headers: asToken(u.token) })).json()).toEqual(apps);
    expect(t.runtime.startedSpecs.length).toBe(starts);
    return { statusCode: res.statusCode, ...(JSON.parse(res.body) as { field?: string; detail: string }) };
  }

  it('plain PythonAnywhere create: the hello-world WSGI file, the home folder as code folder, one container', async () => {
    const u = await createUser(t.app);
    const res = await create(u, { domain_name: `${u.username}.localhost`, python_version: 'python311' });
    expect(res.statusCode, res.body).toBe(201);
    const app = res.json<{ id: number; source_directory: string; working_directory: string }>();
    expect([app.source_directory, app.working_directory]).toEqual([home(u), home(u)]);
    const wsgi = wsgiOnDisk(u, `${u.username}.localhost`);
    expect(fs.readFileSync(wsgi, 'utf8')).toContain('def application(environ, start_response)');
    await expectOwnedByUser(u, wsgi);
    expect(startsOf(app.id)).toEqual([`start webapp ${app.id} g1`]);
  });

  it('django: a WSGI file naming the project folder and settings, the app pointed at that folder, exactly one container', async () => {
    const u = await createUser(t.app);
    await upload(u, `${home(u)}/blog/manage.py`, '#!/usr/bin/env python\n');
    const domain = `blog.${u.username}.localhost`;
    const res = await create(u, { domain_name: domain, framework: 'django', django_project: ` ${home(u)}/blog/ `, django_settings: 'blog.settings' });
    expect(res.statusCode, res.body).toBe(201);
    const app = res.json<{ id: number; source_directory: string; working_directory: string }>();
    expect([app.source_directory, app.working_directory]).toEqual([`${home(u)}/blog`, `${home(u)}/blog`]);

    const wsgi = fs.readFileSync(wsgiOnDisk(u, domain), 'utf8');
    expect(wsgi).toContain(`path = '${home(u)}/blog'\n`);
    expect(wsgi).toContain("os.environ['DJANGO_SETTINGS_MODULE'] = 'blog.settings'");
    expect(wsgi).toContain('application = get_wsgi_application()');
    await expectOwnedByUser(u, wsgiOnDisk(u, domain));

    // The first container already runs the final settings: nothing replaces it.
    expect(startsOf(app.id)).toEqual([`start webapp ${app.id} g1`]);
    const spec = t.runtime.startedSpecs.find((s) => s.kind === 'webapp' && s.workloadId === app.id);
    expect([spec?.env.PYHOST_SOURCE_DIR, spec?.env.PYHOST_WORKING_DIR]).toEqual([`${home(u)}/blog`, `${home(u)}/blog`]);
    expect(t.runtime.calls.filter((c) => c.startsWith('stop') && c.includes(`webapp ${app.id} `))).toEqual([]);
  });

  it('django without manage.py in the folder: 400 on django_project, nothing written or created', async () => {
    const u = await createUser(t.app);
    await upload(u, `${home(u)}/blog/settings.py`, 'DEBUG = True\n');
    const res = await expectNothingDone(u, () =>
      create(u, { domain_name: `blog.${u.username}.localhost`, framework: 'django', django_project: `${home(u)}/blog`, django_settings: 'blog.settings' }),
    );
    expect([res.statusCode, res.field]).toEqual([400, 'django_project']);
    expect(res.detail).toContain(`no manage.py in ${home(u)}/blog`);
    expect(fs.existsSync(wsgiOnDisk(u, `blog.${u.username}.localhost`))).toBe(false);
    expect(fs.existsSync(path.join(userDirs(t.dataDir, u.username).log, `blog.${u.username}.localhost.error.log`))).toBe(false);
  });

  it('django with a folder named manage.py, or no folder at all: 400 on django_project', async () => {
    const u = await createUser(t.app);
    fs.mkdirSync(onDisk(u, `${home(u)}/odd/manage.py`), { recursive: true });
    for (const project of [`${home(u)}/odd`, '', '   ']) {
      const res = await expectNothingDone(u, () => create(u, { framework: 'django', django_project: project, django_settings: 'odd.settings' }));
      expect([res.statusCode, res.field], project).toEqual([400, 'django_project']);
    }
  });

  it.each(['blog/settings', 'blog settings', '', '.settings', 'blog..settings', '2blog.settings', "blog.settings'"])(
    'django with the settings module %j: 400 on django_settings, nothing written',
    async (settings) => {
      const u = await createUser(t.app);
      await upload(u, `${home(u)}/blog/manage.py`, '');
      const res = await expectNothingDone(u, () => create(u, { framework: 'django', django_project: `${home(u)}/blog`, django_settings: settings }));
      expect([res.statusCode, res.field]).toEqual([400, 'django_settings']);
    },
  );

  it('flask with a file that does not exist yet: created (with its folder) as the hello app, the WSGI file imports it', async () => {
    const u = await createUser(t.app);
    const domain = `shop.${u.username}.localhost`;
    const res = await create(u, { domain_name: domain, framework: 'flask', flask_file: `${home(u)}/shop/shop_app.py` });
    expect(res.statusCode, res.body).toBe(201);
    const app = res.json<{ id: number; source_directory: string; working_directory: string }>();
    expect([app.source_directory, app.working_directory]).toEqual([`${home(u)}/shop`, `${home(u)}/shop`]);

    const flaskFile = onDisk(u, `${home(u)}/shop/shop_app.py`);
    expect(fs.readFileSync(flaskFile, 'utf8')).toBe(FLASK_HELLO);
    await expectOwnedByUser(u, flaskFile);
    await expectOwnedByUser(u, path.dirname(flaskFile));
    const wsgi = fs.readFileSync(wsgiOnDisk(u, domain), 'utf8');
    expect(wsgi).toContain(`path = '${home(u)}/shop'\n`);
    expect(wsgi).toContain('from shop_app import app as application');
    await expectOwnedByUser(u, wsgiOnDisk(u, domain));
    expect(startsOf(app.id)).toEqual([`start webapp ${app.id} g1`]);
  });

  it('flask with a file that exists: kept as it is, the WSGI file imports it', async () => {
    const u = await createUser(t.app);
    const mine = 'from flask import Flask\napp = Flask(__name__)  # mine\n';
    await upload(u, `${home(u)}/flask_app.py`, mine);
    const res = await create(u, { framework: 'flask', flask_file: `${home(u)}/flask_app.py` });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ source_directory: string }>().source_directory).toBe(home(u));
    expect(fs.readFileSync(onDisk(u, `${home(u)}/flask_app.py`), 'utf8')).toBe(mine);
    expect(fs.readFileSync(wsgiOnDisk(u, `${u.username}.localhost`), 'utf8')).toContain('from flask_app import app as application');
  });

  it.each(['app.txt', 'my-app.py', '2app.py', '.py', 'import.py', 'class.py', '', 'flask_app.py/'])('flask with the file name %j: 400 on flask_file, nothing written', async (name) => {
    const u = await createUser(t.app);
    const res = await expectNothingDone(u, () => create(u, { framework: 'flask', flask_file: `${home(u)}/mysite/${name}` }));
    expect([res.statusCode, res.field]).toEqual([400, 'flask_file']);
  });

  it('flask with a folder where the file should be: 400 on flask_file, nothing written', async () => {
    const u = await createUser(t.app);
    fs.mkdirSync(onDisk(u, `${home(u)}/mysite/flask_app.py`), { recursive: true });
    const res = await expectNothingDone(u, () => create(u, { framework: 'flask', flask_file: `${home(u)}/mysite/flask_app.py` }));
    expect([res.statusCode, res.field]).toEqual([400, 'flask_file']);
  });

  describe('paths outside the user\'s files: refused, nothing written anywhere', () => {
    let alice: TestUser;
    let bob: TestUser;
    beforeAll(async () => {
      alice = await createUser(t.app);
      bob = await createUser(t.app);
      await upload(bob, `${home(bob)}/blog/manage.py`, '');
      // A link alice could make in a console, to bob's project as the host sees it.
      fs.symlinkSync(onDisk(bob, `${home(bob)}/blog`), onDisk(alice, `${home(alice)}/bobs`));
    });

    const outside = () => [
      { framework: 'django', django_project: '/etc', django_settings: 'mysite.settings' },
      { framework: 'django', django_project: `${home(bob)}/blog`, django_settings: 'blog.settings' },
      { framework: 'django', django_project: `${home(alice)}/../${bob.username}/blog`, django_settings: 'blog.settings' },
      { framework: 'django', django_project: `${home(alice)}/bobs`, django_settings: 'blog.settings' },
      { framework: 'django', django_project: 'blog', django_settings: 'blog.settings' },
      { framework: 'flask', flask_file: '/etc/flask_app.py' },
      { framework: 'flask', flask_file: '/tmp/flask_app.py' },
      { framework: 'flask', flask_file: `${home(bob)}/blog/flask_app.py` },
      { framework: 'flask', flask_file: `${home(alice)}/../${bob.username}/flask_app.py` },
      { framework: 'flask', flask_file: `${home(alice)}/bobs/flask_app.py` },
      { framework: 'flask', flask_file: 'flask_app.py' },
    ];

    it('answers 4xx naming the field, and neither user\'s files change', async () => {
      for (const payload of outside()) {
        const bobsFiles = snapshot(bob);
        const res = await expectNothingDone(alice, () => create(alice, payload));
        expect(res.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, JSON.stringify(payload)).toBeLessThan(500);
        expect(res.field, JSON.stringify(payload)).toBe(payload.framework === 'django' ? 'django_project' : 'flask_file');
        expect(snapshot(bob)).toEqual(bobsFiles);
      }
      expect(fs.existsSync('/etc/flask_app.py')).toBe(false);
      expect(fs.existsSync('/tmp/flask_app.py')).toBe(false);
    });
  });

  it('a domain already in use (the user\'s own or another\'s): 409, nothing written', async () => {
    const u = await createUser(t.app);
    const other = await createUser(t.app);
    expect((await create(u, {})).statusCode).toBe(201);
    expect((await create(other, {})).statusCode).toBe(201);
    const wsgi = wsgiOnDisk(u, `${u.username}.localhost`);
    fs.writeFileSync(wsgi, 'application = None  # mine\n');
    await upload(u, `${home(u)}/blog/manage.py`, '');

    for (const domain of [`${u.username}.localhost`, `${other.username}.localhost`]) {
      const attempts = [
        { domain_name: domain, framework: 'flask', flask_file: `${home(u)}/new/flask_app.py` },
        { domain_name: domain, framework: 'django', django_project: `${home(u)}/blog`, django_settings: 'blog.settings' },
      ];
      for (const payload of attempts) {
        const res = await expectNothingDone(u, () => create(u, payload));
        // Someone else's domain is refused as another user's would be: under localhost, only the user's own names.
        expect(res.statusCode, domain).toBe(domain.startsWith(u.username) ? 409 : 400);
      }
    }
    expect(fs.readFileSync(wsgi, 'utf8')).toBe('application = None  # mine\n');
  });

  it('a custom domain another user has: 409, nothing written', async () => {
    const u = await createUser(t.app);
    const other = await createUser(t.app);
    const domain = `www.${other.username}-site.example`;
    expect((await create(other, { domain_name: domain })).statusCode).toBe(201);
    const res = await expectNothingDone(u, () => create(u, { domain_name: domain, framework: 'flask', flask_file: `${home(u)}/flask_app.py` }));
    expect(res.statusCode).toBe(409);
    expect(fs.existsSync(wsgiOnDisk(u, domain))).toBe(false);
  });
});
