import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { RoutesVersion } from '../../src/store/routes-version.js';
import { helloApp, writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { createRouterFixture, ECHO_APP, type RouterFixture } from './router-fixture.js';

/** Host routing, forwarding headers, access logs, HTTPS and passwords, against real app containers. */
describe('the router', () => {
  let f: RouterFixture;
  let echo: string;
  let other: string;

  beforeAll(async () => {
    // 127.0.0.2 plays a trusted proxy in front of the router; 127.0.0.1 is an ordinary client.
    f = await createRouterFixture({ PYHOST_TRUSTED_PROXIES: '127.0.0.2', PYHOST_APP_WAIT_SECONDS: '2' });
    echo = await f.createApp('echo', ECHO_APP);
    other = await f.createApp('other', helloApp('the other app'));
  });
  afterAll(async () => {
    await f?.close();
  });

  const accessLog = (domain: string) => path.join(userDirs(f.t.dataDir, f.user.username).log, `${domain}.access.log`);

  it('routes by host, whatever its case, port or trailing dot, and nothing else', async () => {
    expect((await f.request(other)).body).toBe('the other app');
    for (const host of [echo, echo.toUpperCase(), `${echo}.`, `${echo}:8080`, `${echo.replace('echo', 'Echo')}.:80`]) {
      const res = await f.request(host, '/x');
      expect(res.status, host).toBe(200);
      expect(JSON.parse(res.body).path).toBe('/x');
    }
    for (const host of [`nope.${f.user.username}.localhost`, `${echo}.evil.example`, 'example.org', '127.0.0.1']) {
      const res = await f.request(host);
      expect(res.status, host).toBe(404);
      expect(res.body).toMatch(/no web app at this address/);
      expect(res.body).not.toMatch(/other app|HTTP_|Pyhost/);
    }
  });

  it('sends the dashboard hosts to the api', async () => {
    for (const host of ['localhost', 'LocalHost:8080', 'www.localhost.']) {
      const res = await f.request(host, '/api/health');
      expect(res.status, host).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
    }
  });

  it('tells the app who asked, never what a client made up, and logs the request id', async () => {
    const res = await f.request(echo, '/who?x=1', { headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https', 'X-Request-Id': 'forged', 'User-Agent': 'router-test', Referer: 'http://r.example/' } });
    const seen = JSON.parse(res.body);
    expect(seen).toMatchObject({ HTTP_X_FORWARDED_FOR: '127.0.0.1', HTTP_X_FORWARDED_PROTO: 'http', HTTP_X_FORWARDED_HOST: echo, HTTP_X_REAL_IP: '127.0.0.1', query: 'x=1' });
    expect(seen.HTTP_X_REQUEST_ID).toMatch(/^[\w-]+-[0-9a-z]+$/);

    const proxied = JSON.parse((await f.request(echo, '/', { localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': '198.51.100.7', 'X-Forwarded-Proto': 'https', 'X-Request-Id': 'from-proxy-1' } })).body);
    expect(proxied).toMatchObject({ HTTP_X_FORWARDED_FOR: '198.51.100.7, 127.0.0.2', HTTP_X_FORWARDED_PROTO: 'https', HTTP_X_REAL_IP: '198.51.100.7', HTTP_X_REQUEST_ID: 'from-proxy-1' });

    const line = await eventually(() => {
      const found = fs.readFileSync(accessLog(echo), 'utf8').split('\n').find((l) => l.includes(seen.HTTP_X_REQUEST_ID));
      if (!found) throw new Error('no access log line yet');
      return found;
    });
    expect(line).toMatch(
      new RegExp(`^127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "GET /who\\?x=1 HTTP/1\\.1" 200 \\d+ "http://r\\.example/" "router-test" response-time=\\d+\\.\\d{3} request-id=${seen.HTTP_X_REQUEST_ID}$`),
    );
    expect(fs.statSync(accessLog(echo)).uid).toBe(f.uid);
  });

  it('redirects to HTTPS unless a trusted proxy says the request came over HTTPS', async () => {
    expect((await f.api('PATCH', `${other}/`, { force_https: true })).statusCode).toBe(200);
    await eventually(async () => expect((await f.request(other, '/p?q=1')).status).toBe(301), { timeoutMs: 2000, intervalMs: 20 });
    const redirect = await f.request(`${other}:8080`, '/p?q=1');
    expect(redirect.headers.location).toBe(`https://${other}/p?q=1`);
    expect((await f.request(other, '/form', { method: 'POST', body: 'a=1' })).status).toBe(308);
    // Anyone can send the header; only the trusted proxy is believed.
    expect((await f.request(other, '/', { headers: { 'X-Forwarded-Proto': 'https' } })).status).toBe(301);
    const viaProxy = await f.request(other, '/', { localAddress: '127.0.0.2', headers: { 'X-Forwarded-Proto': 'https' } });
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.body).toBe('the other app');
    expect((await f.api('PATCH', `${other}/`, { force_https: false })).statusCode).toBe(200);
  });

  it('asks for the password of a protected app and remembers a correct one', async () => {
    const patch = await f.api('PATCH', `${other}/`, { password_protection_enabled: true, password_protection_username: 'guest', password_protection_password: 'open sesame' });
    expect(patch.statusCode, patch.body).toBe(200);
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    const refused = await eventually(async () => {
      const res = await f.request(other);
      expect(res.status).toBe(401);
      return res;
    }, { timeoutMs: 2000, intervalMs: 20 });
    expect(refused.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(refused.body).not.toMatch(/other app/);
    expect((await f.request(other, '/', { headers: basic('guest', 'wrong') })).status).toBe(401);
    expect((await f.request(other, '/', { headers: basic('intruder', 'open sesame') })).status).toBe(401);
    const t0 = Date.now();
    const ok = await f.request(other, '/', { headers: basic('guest', 'open sesame') });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('the other app');
    const first = Date.now() - t0;
    const t1 = Date.now();
    expect((await f.request(other, '/again', { headers: basic('guest', 'open sesame') })).status).toBe(200);
    expect(Date.now() - t1, `a remembered password is not checked again (first took ${first} ms)`).toBeLessThan(Math.max(50, first / 2));
    await eventually(() => expect(fs.readFileSync(accessLog(other), 'utf8')).toMatch(/ - guest \[.*"GET \/again HTTP\/1\.1" 200 /));
    expect((await f.api('PATCH', `${other}/`, { password_protection_enabled: false })).statusCode).toBe(200);
  });

  it('serves a route change made through the API within 200 ms', async () => {
    const home = userDirs(f.t.dataDir, f.user.username).home;
    // Best of three: this test process also runs the api and the test code,
    // so one change may meet a busy event loop; a router that polled too
    // slowly would miss every time.
    const pickups: number[] = [];
    for (let i = 0; i < 3; i++) {
      // The user's own file: the router serves nothing else (root's files in a home are not the app's).
      writeAsUser(path.join(home, `quick${i}`, 'now.txt'), `static now ${i}`, f.uid);
      expect((await f.request(echo, `/quick${i}/now.txt`)).body).not.toBe(`static now ${i}`);
      const res = await f.api('POST', `${echo}/static_files/`, { url: `/quick${i}/`, path: `/home/${f.user.username}/quick${i}` });
      expect(res.statusCode, res.body).toBe(201);
      const t0 = Date.now();
      // The store's version once the change is in: the router has it when its table is at least that new.
      const changed = new RoutesVersion(f.t.app.db).current();
      await eventually(() => expect(f.router.routes.table.version).toBeGreaterThanOrEqual(changed), { timeoutMs: 2000, intervalMs: 2 });
      pickups.push(Date.now() - t0);
      expect((await f.request(echo, `/quick${i}/now.txt`)).body).toBe(`static now ${i}`);
    }
    expect(Math.min(...pickups), `pickups: ${pickups.join(', ')} ms`).toBeLessThanOrEqual(200);
  });

  it('answers 503 for a disabled app and 502 naming the error log for one that is down', async () => {
    expect((await f.api('POST', `${other}/disable/`)).statusCode).toBe(200);
    await eventually(async () => expect((await f.request(other)).status).toBe(503), { timeoutMs: 2000, intervalMs: 20 });
    expect((await f.request(other)).body).toMatch(/disabled/);

    // Down: its route points at a container generation whose socket is gone.
    const store = f.t.app.stores.webapps;
    const row = store.byDomain(echo)!;
    // (the store moves routes_version itself, so the router hears of it)
    store.setActiveGeneration(row.id, row.active_generation + 1000);
    const routeOf = () => f.router.routes.table.lookup(echo);
    await eventually(() => expect(routeOf()).toMatchObject({ socketPath: expect.stringContaining(`/g${row.active_generation + 1000}/`) }), { timeoutMs: 1000, intervalMs: 10 });
    const t0 = Date.now();
    const down = await f.request(echo);
    expect(down.status).toBe(502);
    expect(down.body).toContain(`/var/log/${echo}.error.log`);
    // It was held for the configured wait (2 s) in case the app was only starting.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    store.setActiveGeneration(row.id, row.active_generation);
    await eventually(async () => expect((await f.request(echo)).status).toBe(200), { timeoutMs: 2000, intervalMs: 20 });
  });
});
