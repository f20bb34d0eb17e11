import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, type TestUser } from '../helpers/test-app.js';
import {
  activeSocket,
  createDockerTestApp,
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
import { getViaSocket } from '../helpers/unix-get.js';
import { eventually } from '../helpers/eventually.js';
import { activeRunDir } from '../../src/services/webapps/webapp-deployer.js';

/** Broken apps: each gives a clear error, and the platform stays healthy. */
describe('broken web apps on the Docker Engine', () => {
  let t: DockerTestApp;
  let bob: TestUser;
  let bobUid: number;
  const api = (path: string) => `/api/v0/user/${bob.username}/webapps/${path}`;

  beforeAll(async () => {
    t = await createDockerTestApp();
    ({ user: bob, uid: bobUid } = await newUser(t.app));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createWith(domain: string, code: string) {
    writeAsUser(wsgiFile(t, bob, domain), code, bobUid);
    const res = await t.app.inject({ method: 'POST', url: api(''), headers: asToken(bob.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
  }
  const reload = (domain: string) => t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(bob.token) });

  it('shows an app that cannot load at its first start as crashed, with the traceback in its error log, until fixed and reloaded', async () => {
    const domain = `first.${bob.username}.localhost`;
    await createWith(domain, 'raise RuntimeError("boom at import")\n');
    await waitForState(t.app, bob, domain, 'crashed');
    expect(fs.readFileSync(errorLog(t, bob, domain), 'utf8')).toMatch(/RuntimeError: boom at import/);
    const failed = await reload(domain);
    expect(failed.statusCode).toBe(422);
    expect(failed.json().log_tail).toMatch(/boom at import/);
    // The platform is fine meanwhile.
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    writeAsUser(wsgiFile(t, bob, domain), helloApp('fixed'), bobUid);
    expect((await reload(domain)).statusCode).toBe(200);
    expect((await getWebapp(t.app, bob, domain)).state).toBe('running');
    expect((await getViaSocket(activeSocket(t, domain))).body).toBe('fixed');
  });

  it('says so when a WSGI file starts its own server instead of defining application', async () => {
    const domain = `binds.${bob.username}.localhost`;
    await createWith(domain, helloApp('ok'));
    await waitForState(t.app, bob, domain, 'running');
    writeAsUser(
      wsgiFile(t, bob, domain),
      ['from wsgiref.simple_server import make_server', helloApp('own server'), "make_server('127.0.0.1', 5000, application).serve_forever()", ''].join('\n'),
      bobUid,
    );
    const res = await reload(domain);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toMatch(/__main__|own server|did not finish|within/i);
    expect((await getViaSocket(activeSocket(t, domain))).body).toBe('ok');
  }, 60_000);

  it('ends a crash loop as crashed with the reason in the error log, and a reload starts it again', async () => {
    const domain = `loop.${bob.username}.localhost`;
    // Kills the gateway (the WSGI server's parent) at import: the container dies at every start.
    await createWith(domain, 'import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n');
    const crashed = await waitForState(t.app, bob, domain, 'crashed', 90_000);
    expect(crashed.state).toBe('crashed');
    expect(fs.readFileSync(errorLog(t, bob, domain), 'utf8')).toMatch(/stopped restarting/);
    // Crashed means left alone: no restarts while it waits for a fix.
    const ids = async () => activeRunDir(t.dataDir, t.app.stores.webapps.byDomain(domain)!);
    const before = await ids();
    await new Promise((r) => setTimeout(r, 2500));
    expect(await ids()).toBe(before);

    writeAsUser(wsgiFile(t, bob, domain), helloApp('alive'), bobUid);
    const res = await reload(domain);
    expect(res.statusCode, res.body).toBe(200);
    await eventually(async () => expect((await getWebapp(t.app, bob, domain)).state).toBe('running'));
    expect((await getViaSocket(activeSocket(t, domain))).body).toBe('alive');
  }, 120_000);

  it('reloads by itself on file changes when auto_reload is on', async () => {
    const domain = `auto.${bob.username}.localhost`;
    await createWith(domain, helloApp('before'));
    const patched = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(bob.token), payload: { auto_reload: true } });
    expect(patched.statusCode, patched.body).toBe(200);
    await waitForState(t.app, bob, domain, 'running');
    writeAsUser(wsgiFile(t, bob, domain), helloApp('after, with no reload call'), bobUid);
    await eventually(async () => expect((await getViaSocket(activeSocket(t, domain))).body).toBe('after, with no reload call'), { timeoutMs: 15_000 });
  });

  it('created every container hardened, including restarts after crashes', async () => {
    expect(await expectAllHardened(t, new Map([[bob.username, bobUid]]))).toBeGreaterThanOrEqual(6);
  });
});
