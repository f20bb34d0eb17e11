import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter, silentLog, type RunningRouter } from '../../src/ingress/index.js';
import { CHALLTESTSRV_INSTALLED, startTestDns, type TestDns } from '../helpers/challtestsrv.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { routerRequest } from './router-fixture.js';

// The real router (in this process) in front of the real api (a fake
// container engine whose stand-in gateways answer "hello from <domain>"),
// with a pebble-challtestsrv as the DNS: a custom domain answers the
// router's "waiting for DNS" page until its record points here, then its app.

/** An Upgrade request by hand; resolves with everything the router wrote before it closed. */
function upgrade(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`));
    let said = '';
    socket.on('data', (d: Buffer) => (said += d.toString()));
    socket.on('end', () => resolve(said));
    socket.on('error', reject);
  });
}

describe.skipIf(!CHALLTESTSRV_INSTALLED)('a custom domain through the router', () => {
  let t: TestApp;
  let dns: TestDns;
  let router: RunningRouter;
  let ann: TestUser;
  /** The api's clock runs this far ahead: the DNS recheck's policy is moved on, not waited for. */
  let ahead = 0;
  const domain = 'www.ann-routed.test';

  beforeAll(async () => {
    dns = await startTestDns();
    t = await createTestApp({ PYHOST_DNS_SERVER: dns.server, PYHOST_LIMIT_CUSTOM_DOMAINS: '2' }, { clock: () => Date.now() + ahead });
    const admin = await adminToken(t.app);
    expect((await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(admin), payload: { custom_domains: true } })).statusCode).toBe(200);
    ann = await createUser(t.app);
    await t.app.listen({ path: t.config.apiSocket });
    router = await startRouter(t.config, silentLog, { port: 0 });
  });
  afterAll(async () => {
    await router?.close();
    await t?.close();
    dns?.close();
  });

  it('answers "waiting for DNS" (503, Retry-After) until the record points here, then, after the next DNS sweep, serves the app', async () => {
    const created = await t.app.inject({ method: 'POST', url: `/api/v0/user/${ann.username}/webapps/`, headers: asToken(ann.token), payload: { domain_name: domain } });
    expect(created.statusCode, created.body).toBe(201);
    // Its first look finds no record.
    await eventually(() => expect(t.app.stores.customDomains.byDomain(domain)?.checked_at).not.toBeNull());

    const waiting = await eventually(async () => {
      const r = await routerRequest(router.port, domain, '/');
      expect(r.status).toBe(503);
      return r;
    }, { intervalMs: 50 });
    expect(waiting.headers['retry-after']).toBe('30');
    expect(waiting.headers['cache-control']).toBe('no-store');
    expect(waiting.body).toContain(`<b>${domain}</b> is set up on this Pyhost, but is waiting for its DNS record to point here`);
    // Nothing about whose it is or where the record should point.
    expect(waiting.body).not.toContain(ann.username);
    expect(waiting.body).not.toContain('disabled');
    const refusedUpgrade = await upgrade(router.port, domain);
    expect(refusedUpgrade).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refusedUpgrade).toContain('Retry-After: 30\r\n');
    expect(refusedUpgrade).toContain('waiting for its DNS record');

    await dns.setCname(domain, `${ann.username}.localhost`);
    ahead += 30_000;
    // A sweep of the app's own timer may be under way (sweep() then answers that one, which may have found nothing due yet).
    await eventually(async () => {
      await t.app.services.dnsRecheck.sweep();
      expect(t.app.stores.customDomains.byDomain(domain)?.dns_status).toBe('ok');
    }, { intervalMs: 20 });
    const served = await eventually(async () => {
      const r = await routerRequest(router.port, domain, '/');
      expect(r.status, r.body).toBe(200);
      return r;
    }, { intervalMs: 50 });
    expect(served.body).toBe(`hello from ${domain} g1`);
  });

  it('still says "disabled by its owner" for a site its owner switched off, whatever its DNS', async () => {
    const other = 'www.ann-off.test';
    const created = await t.app.inject({ method: 'POST', url: `/api/v0/user/${ann.username}/webapps/`, headers: asToken(ann.token), payload: { domain_name: other } });
    expect(created.statusCode, created.body).toBe(201);
    const disabled = await t.app.inject({ method: 'POST', url: `/api/v0/user/${ann.username}/webapps/${other}/disable/`, headers: asToken(ann.token) });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const r = await eventually(async () => {
      const res = await routerRequest(router.port, other, '/');
      expect(res.body).toContain('disabled by its owner');
      return res;
    }, { intervalMs: 50 });
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBeUndefined();
  });
});
