import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs, websiteGenerationRunDir } from '../../src/domain/layout.js';
import { publishedRoute } from '../helpers/published-routes.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { websiteRunDir } from '../../src/domain/layout.js';
import { eventually } from '../helpers/eventually.js';
import { WEBSITE_LOG_MAX_BYTES } from '../../src/services/websites/website-runner.js';

/** Websites through the v1 API on the fake engine (docs/websites.md); real containers: test/runtime/websites.docker.test.ts. */
describe('websites (v1 API)', () => {
  let t: TestApp;
  let me: TestUser;
  let other: TestUser;
  const url = (rest = '', who: TestUser = me) => `/api/v1/user/${who.username}/websites/${rest}`;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', u: string, payload?: object, who: TestUser = me) =>
    t.app.inject({ method, url: u, headers: asToken(who.token), ...(payload ? { payload } : {}) });
  const create = (domain: string, command = 'gunicorn --bind unix:$DOMAIN_SOCKET app:app') =>
    call('POST', url(), { domain_name: domain, enabled: true, webapp: { command } });

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_RELOAD_TIMEOUT_SECONDS: '2' });
    me = await createUser(t.app);
    other = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('creates a website that runs its command as the user on $DOMAIN_SOCKET, and answers in PythonAnywhere\'s shape', async () => {
    const domain = `api.${me.username}.localhost`;
    const res = await create(domain);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      domain_name: domain,
      enabled: true,
      webapp: { command: 'gunicorn --bind unix:$DOMAIN_SOCKET app:app', domains: [{ domain_name: domain, enabled: true }] },
      logfiles: { access: `/var/log/${domain}.access.log`, error: `/var/log/${domain}.error.log`, server: `/var/log/${domain}.server.log` },
      state: 'running',
      last_error: null,
    });
    const spec = t.runtime.startedSpecs.filter((s) => s.kind === 'website').at(-1)!;
    expect(spec.env).toMatchObject({ DOMAIN_SOCKET: '/run/pyhost/app.sock' });
    expect(spec.env).not.toHaveProperty('PORT');
    expect(spec.entrypoint?.slice(0, 2)).toEqual(['bash', '-c']);
    expect(spec.entrypoint?.at(-1)).toBe('gunicorn --bind unix:$DOMAIN_SOCKET app:app');
    expect(spec.uid).not.toBe(0);
    for (const kind of ['access', 'error', 'server']) expect(fs.existsSync(path.join(userDirs(t.dataDir, me.username).log, `${domain}.${kind}.log`))).toBe(true);

    expect((await call('GET', url())).json().map((w: { domain_name: string }) => w.domain_name)).toEqual([domain]);
    expect((await call('GET', url(`${domain}/`))).json()).toMatchObject({ domain_name: domain, enabled: true });
  });

  it('publishes the domain to the router, pointing at the active generation\'s socket', async () => {
    const domain = `api.${me.username}.localhost`;
    const site = (await call('GET', url(`${domain}/`))).json();
    await eventually(() => {
      const route = publishedRoute(t.dataDir, domain);
      expect(route).toMatchObject({ webappId: -site.id, enabled: true });
      expect(t.app.stores.websites.byId(site.id)!.active_generation).toBeGreaterThan(0);
      expect(route?.socketPath).toBe(path.join(websiteGenerationRunDir(t.dataDir, site.id, t.app.stores.websites.byId(site.id)!.active_generation), 'app.sock'));
    });
  });

  it("refuses a domain a website or a web app already has with PythonAnywhere's message", async () => {
    const taken = await create(`api.${me.username}.localhost`);
    expect(taken.statusCode).toBe(400);
    expect(taken.json()).toMatchObject({ field: 'domain_name', detail: 'domain with this domain name already exists' });
    const webapp = `${me.username}.localhost`;
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${me.username}/webapps/`, headers: asToken(me.token), payload: { domain_name: webapp, python_version: 'python311' } })).statusCode).toBe(201);
    const clash = await create(webapp);
    expect(clash.statusCode).toBe(400);
    expect(clash.json().detail).toBe('domain with this domain name already exists');
    // And the other way round: a web app cannot take a website's domain.
    const back = await t.app.inject({ method: 'POST', url: `/api/v0/user/${me.username}/webapps/`, headers: asToken(me.token), payload: { domain_name: `api.${me.username}.localhost`, python_version: 'python311' } });
    expect(back.statusCode).toBeGreaterThanOrEqual(400);
    expect(back.statusCode).toBeLessThan(500);
  });

  it('refuses bad input with 400 naming the field', async () => {
    expect((await create(`Bad Domain!`)).json()).toMatchObject({ field: 'domain_name' });
    expect((await create(`empty.${me.username}.localhost`, '   ')).json()).toMatchObject({ field: 'command' });
    expect((await call('POST', url(), { domain_name: `x.${me.username}.localhost` })).statusCode).toBe(400);
  });

  it("answers 404 for a stranger's website and for one that does not exist", async () => {
    expect((await call('GET', url(`api.${me.username}.localhost/`, other), undefined, other)).statusCode).toBe(404);
    expect((await call('GET', url(`api.${me.username}.localhost/`), undefined, other)).statusCode).toBe(404);
    expect((await call('GET', url('nope.example.com/'))).statusCode).toBe(404);
  });

  it('reloads side by side: a new generation serves, the old container goes', async () => {
    const domain = `api.${me.username}.localhost`;
    const before = (await call('GET', url(`${domain}/`))).json();
    const res = await call('POST', url(`${domain}/reload/`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'OK' });
    const live = t.runtime.all().filter((c) => c.labels.kind === 'website' && c.labels.workload === before.id);
    expect(live.map((c) => c.labels.generation)).toHaveLength(1);
  });

  it('a command that never listens fails its reload with a message saying so; the old one keeps serving', async () => {
    const domain = `api.${me.username}.localhost`;
    t.runtime.gatewayBehaviour = (spec) => (spec.kind === 'website' ? 'silent' : 'serves');
    try {
      const res = await call('POST', url(`${domain}/reload/`));
      expect(res.statusCode).toBe(422);
      expect(res.json().detail).toMatch(/printed nothing and never created \$DOMAIN_SOCKET within 2 s.*previous version keeps serving/);
      expect(res.json()).toHaveProperty('log_tail');
      expect((await call('GET', url(`${domain}/`))).json()).toMatchObject({ state: 'running' });
    } finally {
      t.runtime.gatewayBehaviour = () => 'serves';
    }
  });

  it('deletes a website: 204, its containers go, its logs stay', async () => {
    const domain = `gone.${me.username}.localhost`;
    const made = (await create(domain)).json();
    const res = await call('DELETE', url(`${domain}/`));
    expect(res.statusCode).toBe(204);
    expect((await call('GET', url(`${domain}/`))).statusCode).toBe(404);
    const left = t.runtime.all().filter((c) => c.labels.kind === 'website' && c.labels.workload === made.id);
    expect(left).toEqual([]);
    expect(fs.existsSync(path.join(userDirs(t.dataDir, me.username).log, `${domain}.error.log`))).toBe(true);
  });
  it('is kept by the reconciler: a container that dies is replaced by a new generation that serves', async () => {
    const domain = `kept.${me.username}.localhost`;
    const made = (await create(domain)).json();
    const running = () => t.runtime.all().filter((c) => c.labels.kind === 'website' && c.labels.workload === made.id && c.state === 'running');
    const first = running()[0]!;
    t.runtime.simulateExit(first.id, 1);
    await eventually(async () => {
      await t.app.services.reconciler.trigger();
      expect(running().map((c) => c.labels.generation)).toEqual([expect.any(Number)]);
      expect(running()[0]!.labels.generation).not.toBe(first.labels.generation);
    });
    const row = t.app.stores.websites.byId(made.id)!;
    expect(row.active_generation).toBe(running()[0]!.labels.generation);
    await call('DELETE', url(`${domain}/`));
  });
  it("deleting the account removes its websites' containers and run folders with it", async () => {
    const gone = await createUser(t.app);
    const domain = `bye.${gone.username}.localhost`;
    const made = await call('POST', url('', gone), { domain_name: domain, enabled: true, webapp: { command: 'python3 s.py' } }, gone);
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as number;
    expect(fs.existsSync(websiteRunDir(t.dataDir, id))).toBe(true);
    const admin = asToken(await adminToken(t.app));
    const res = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${gone.username}`, headers: admin, payload: { confirm: gone.username, files: 'erase' } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(t.runtime.all().filter((c) => c.labels.kind === 'website' && c.labels.workload === id)).toEqual([]);
    expect(fs.existsSync(websiteRunDir(t.dataDir, id))).toBe(false);
    expect(t.app.stores.websites.byId(id)).toBeUndefined();
  });

  describe('PATCH', () => {
    const domain = () => `patch.${me.username}.localhost`;
    const site = () => t.app.stores.websites.byDomain(domain())!;
    const live = () => t.runtime.all().filter((c) => c.labels.kind === 'website' && c.labels.workload === site().id && c.state === 'running');
    const routed = () => publishedRoute(t.dataDir, domain());
    beforeAll(async () => {
      expect((await create(domain())).statusCode).toBe(201);
    });

    it('{"enabled": false} stops serving: its containers go and the route says disabled; true starts a new generation', async () => {
      const off = await call('PATCH', url(`${domain()}/`), { enabled: false });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json()).toMatchObject({ enabled: false, state: 'disabled', webapp: { domains: [{ enabled: false }] } });
      expect(live()).toEqual([]);
      await eventually(() => expect(routed()).toMatchObject({ enabled: false }));
      const before = site().active_generation;

      const on = await call('PATCH', url(`${domain()}/`), { enabled: true });
      expect(on.statusCode, on.body).toBe(200);
      expect(on.json()).toMatchObject({ enabled: true, state: 'running', last_error: null });
      expect(live().map((c) => c.labels.generation)).toEqual([site().active_generation]);
      expect(site().active_generation).toBeGreaterThan(before);
      await eventually(() => expect(routed()).toMatchObject({ enabled: true, socketPath: path.join(websiteGenerationRunDir(t.dataDir, site().id, site().active_generation), 'app.sock') }));
    });

    it('{"enabled": true} on a website that serves changes nothing', async () => {
      const generation = site().active_generation;
      expect((await call('PATCH', url(`${domain()}/`), { enabled: true })).statusCode).toBe(200);
      expect(site().active_generation).toBe(generation);
    });

    it('a new webapp.command replaces the server side by side; one that does not serve is in last_error and the old one keeps serving', async () => {
      const generation = site().active_generation;
      const res = await call('PATCH', url(`${domain()}/`), { webapp: { command: 'uvicorn --uds $DOMAIN_SOCKET main:app' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ state: 'running', webapp: { command: 'uvicorn --uds $DOMAIN_SOCKET main:app' } });
      expect(t.runtime.startedSpecs.filter((s) => s.kind === 'website').at(-1)?.entrypoint?.at(-1)).toBe('uvicorn --uds $DOMAIN_SOCKET main:app');
      expect(live().map((c) => c.labels.generation)).toEqual([site().active_generation]);
      expect(site().active_generation).toBeGreaterThan(generation);

      t.runtime.gatewayBehaviour = (spec) => (spec.kind === 'website' ? 'silent' : 'serves');
      try {
        const serving = site().active_generation;
        const broken = await call('PATCH', url(`${domain()}/`), { webapp: { command: 'sleep 600' } });
        expect(broken.statusCode, broken.body).toBe(200);
        expect(broken.json().webapp.command).toBe('sleep 600');
        expect(broken.json().last_error).toBe('the command printed nothing and never created $DOMAIN_SOCKET within 2 s');
        expect(live().map((c) => c.labels.generation)).toEqual([serving]);
      } finally {
        t.runtime.gatewayBehaviour = () => 'serves';
      }
    });

    it('a new python_version replaces the server side by side from that Python\'s image, in every spelling create takes', async () => {
      const lastSpec = () => t.runtime.startedSpecs.filter((s) => s.kind === 'website').at(-1)!;
      const generation = site().active_generation;
      const res = await call('PATCH', url(`${domain()}/`), { python_version: '3.13' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ python_version: '3.13', state: 'running', last_error: null });
      expect(lastSpec().image).toBe('pyhost-runtime:python313');
      expect(site().active_generation).toBeGreaterThan(generation);
      expect(live().map((c) => c.labels.generation)).toEqual([site().active_generation]);
      expect(live()[0]?.image).toBe('pyhost-runtime:python313');

      const same = site().active_generation;
      expect((await call('PATCH', url(`${domain()}/`), { python_version: 'python313' })).json()).toMatchObject({ python_version: '3.13' });
      expect(site().active_generation).toBe(same);

      for (const [asked, version, image] of [['python39', '3.9', 'pyhost-runtime:python39'], ['python3.11', '3.11', 'pyhost-runtime:latest']] as const) {
        const patched = await call('PATCH', url(`${domain()}/`), { webapp: { python_version: asked } });
        expect(patched.statusCode, patched.body).toBe(200);
        expect(patched.json()).toMatchObject({ python_version: version, state: 'running' });
        expect(lastSpec().image).toBe(image);
      }
    });

    it('an unknown python_version is refused with 400 listing the installed ones, and nothing changes', async () => {
      const generation = site().active_generation;
      const res = await call('PATCH', url(`${domain()}/`), { python_version: '3.10' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field: 'python_version', detail: expect.stringContaining('3.9 (or python39), 3.11 (or python311), 3.13 (or python313)') });
      expect(site()).toMatchObject({ python_version: '3.11', active_generation: generation });
    });

    it("a missing runtime image answers 503 naming the website's own image, and the old server keeps serving", async () => {
      const serving = site().active_generation;
      t.runtime.images.delete('pyhost-runtime:python313');
      try {
        const res = await call('PATCH', url(`${domain()}/`), { python_version: '3.13' });
        expect(res.statusCode).toBe(503);
        expect(res.json().detail).toBe('the runtime image pyhost-runtime:python313 is missing; the administrator should run scripts/setup.sh');
        expect(live().map((c) => c.labels.generation)).toEqual([serving]);
        // Saved, as a command that fails is, for the next reload.
        expect(site().python_version).toBe('3.13');
      } finally {
        t.runtime.images.add('pyhost-runtime:python313');
      }
      expect((await call('PATCH', url(`${domain()}/`), { python_version: '3.11' })).statusCode).toBe(200);
    });

    it('refuses a bad command or a bad enabled with 400 naming the field', async () => {
      expect((await call('PATCH', url(`${domain()}/`), { webapp: { command: '  ' } })).json()).toMatchObject({ field: 'command' });
      const bad = await call('PATCH', url(`${domain()}/`), { enabled: 'maybe' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toHaveProperty('detail');
      expect((await call('PATCH', url(`${domain()}/`), { enabled: false }, other)).statusCode).toBe(404);
    });
  });

  it("a running website's server and error logs are rotated past the gateway's size, as a web app's are", async () => {
    const domain = `big.${me.username}.localhost`;
    expect((await create(domain)).statusCode).toBe(201);
    const logs = userDirs(t.dataDir, me.username).log;
    const big = 'x'.repeat(1023) + '\n';
    for (const kind of ['server', 'error']) fs.appendFileSync(path.join(logs, `${domain}.${kind}.log`), big.repeat(WEBSITE_LOG_MAX_BYTES / 1024 + 10));
    fs.appendFileSync(path.join(logs, `${domain}.server.log`), 'the last line\n');
    await eventually(async () => {
      await t.app.services.reconciler.trigger();
      for (const kind of ['server', 'error']) {
        expect(fs.statSync(path.join(logs, `${domain}.${kind}.log.1`)).size).toBeGreaterThan(WEBSITE_LOG_MAX_BYTES);
        expect(fs.statSync(path.join(logs, `${domain}.${kind}.log`)).size).toBe(0);
      }
    });
    expect(fs.readFileSync(path.join(logs, `${domain}.server.log.1`), 'utf8')).toMatch(/the last line\n$/);
    await call('DELETE', url(`${domain}/`));
  });

  it("serves a website's logs as the log viewer reads a web app's: files, tail, and 404 for a stranger", async () => {
    const domain = `logs.${me.username}.localhost`;
    expect((await create(domain)).statusCode).toBe(201);
    fs.appendFileSync(path.join(userDirs(t.dataDir, me.username).log, `${domain}.server.log`), 'INFO:     Application startup complete.\n');
    const files = await call('GET', url(`${domain}/logs/`));
    expect(files.statusCode, files.body).toBe(200);
    expect(files.json().map((f: { kind: string }) => f.kind)).toEqual(['access', 'error', 'server']);
    const tail = await call('GET', url(`${domain}/logs/server/?lines=5`));
    expect(tail.json()).toMatchObject({ file: `${domain}.server.log`, lines: ['INFO:     Application startup complete.'] });
    expect((await call('GET', url(`${domain}/logs/server/`, other), undefined, other)).statusCode).toBe(404);
    await call('DELETE', url(`${domain}/`));
  });
});
