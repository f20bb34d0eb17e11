import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DnsCheck } from '../../src/services/domains/dns-check.js';
import { CHALLTESTSRV_INSTALLED, startTestDns, type TestDns } from '../helpers/challtestsrv.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * Custom domains (docs/https.md): off until an admin allows them, then up to
 * each account's custom_domains limit; one site per domain on the whole
 * instance; never a name under another user's; each checked in DNS (a
 * pebble-challtestsrv on loopback answers for the test domains).
 */
describe.skipIf(!CHALLTESTSRV_INSTALLED)('custom domains', () => {
  let t: TestApp;
  let dns: TestDns;
  let admin: string;
  let ann: TestUser;
  let bob: TestUser;
  /** The api's clock runs this far ahead of the real one: a test moves time on for the recheck's policy. */
  let ahead = 0;
  const createWebapp = (user: TestUser, domain: string) =>
    t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain, python_version: 'python311' } });
  const getWebapp = (user: TestUser, domain: string) => t.app.inject({ method: 'GET', url: `/api/v0/user/${user.username}/webapps/${domain}/`, headers: asToken(user.token) });
  const allow = (on: boolean) => t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(admin), payload: { custom_domains: on } });

  beforeAll(async () => {
    dns = await startTestDns();
    t = await createTestApp(
      { PYHOST_DOMAIN: 'pyhost.test', PYHOST_DNS_SERVER: dns.server, PYHOST_PUBLIC_IP: '203.0.113.7', PYHOST_LIMIT_CUSTOM_DOMAINS: '2' },
      { clock: () => Date.now() + ahead },
    );
    admin = await adminToken(t.app);
    ann = await createUser(t.app);
    bob = await createUser(t.app);
  });
  afterAll(async () => {
    await t?.close();
    dns?.close();
  });

  it('are refused while the instance does not allow them, saying who can', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/settings', headers: asToken(admin) })).json()).toMatchObject({ custom_domains: false });
    const r = await createWebapp(ann, 'www.refused.test');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'domain_name' });
    expect(r.json().detail).toContain('this Pyhost does not allow custom domains');
    expect(r.json().detail).toContain('ask an administrator to allow custom domains');
    const site = await t.app.inject({ method: 'POST', url: `/api/v1/user/${ann.username}/websites/`, headers: asToken(ann.token), payload: { domain_name: 'www.refused.test', webapp: { command: 'python3 s.py' } } });
    expect(site.statusCode).toBe(400);
  });

  it('once allowed: shows the DNS records to create and what DNS answers', async () => {
    expect((await allow(true)).json()).toMatchObject({ custom_domains: true });
    await dns.setCname('www.ann-ok.test', `${ann.username}.pyhost.test`);
    const ok = await createWebapp(ann, 'www.ann-ok.test');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().custom_domain.dns_records).toEqual([
      { type: 'CNAME', name: 'www.ann-ok.test', value: `${ann.username}.pyhost.test` },
      { type: 'A', name: 'www.ann-ok.test', value: '203.0.113.7' },
    ]);
    await eventually(async () => expect((await getWebapp(ann, 'www.ann-ok.test')).json()).toMatchObject({ dns_status: 'ok', custom_domain: { dns_message: 'www.ann-ok.test points here' } }));

    await dns.addA('www.ann-wrong.test', ['198.51.100.1']);
    const site = await t.app.inject({ method: 'POST', url: `/api/v1/user/${ann.username}/websites/`, headers: asToken(ann.token), payload: { domain_name: 'www.ann-wrong.test', webapp: { command: 'python3 s.py' } } });
    expect(site.statusCode, site.body).toBe(201);
    await eventually(async () => {
      const got = await t.app.inject({ method: 'GET', url: `/api/v1/user/${ann.username}/websites/www.ann-wrong.test/`, headers: asToken(ann.token) });
      expect(got.json()).toMatchObject({ dns_status: 'wrong' });
      expect(got.json().custom_domain.dns_message).toBe(
        `www.ann-wrong.test has an A record to 198.51.100.1; change it to CNAME www.ann-wrong.test → ${ann.username}.pyhost.test, or A www.ann-wrong.test → 203.0.113.7`,
      );
    });
  });

  it("stop at the account's custom_domains limit (names under the base domain do not count)", async () => {
    const own = await createWebapp(ann, `blog.${ann.username}.pyhost.test`);
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ dns_status: null, custom_domain: null });
    const third = await createWebapp(ann, 'www.ann-third.test');
    expect(third.statusCode).toBe(409);
    expect(third.json().detail).toBe(`your account's limit is 2 custom domains (limit "custom_domains"); delete a site with one first, or ask an administrator to raise it`);
  });

  it('are pending with the record to create while DNS has none', async () => {
    const r = await createWebapp(bob, 'shop.bob-nothing.test');
    expect(r.statusCode, r.body).toBe(201);
    await eventually(async () => expect((await getWebapp(bob, 'shop.bob-nothing.test')).json().custom_domain.dns_checked_at).not.toBeNull());
    const got = (await getWebapp(bob, 'shop.bob-nothing.test')).json();
    expect(got.dns_status).toBe('pending');
    expect(got.custom_domain.dns_message).toContain(`shop.bob-nothing.test has no DNS record yet; create CNAME shop.bob-nothing.test → ${bob.username}.pyhost.test`);
  });

  it('are routed (and so certified) only once their DNS is ok: the route rows say that apart from the owner\'s switch', () => {
    const rows = t.app.stores.routeRows.snapshot();
    const route = (domain: string) => [...rows.webapps, ...(rows.websites ?? [])].find((r) => r.domain_name === domain);
    expect(route('www.ann-ok.test')).toMatchObject({ enabled: 1, dns_pending: 0 });
    expect(route('www.ann-wrong.test')).toMatchObject({ enabled: 1, dns_pending: 1 });
    expect(route('shop.bob-nothing.test')).toMatchObject({ enabled: 1, dns_pending: 1 });
    expect(route(`blog.${ann.username}.pyhost.test`)).toMatchObject({ enabled: 1, dns_pending: 0 });
  });

  it('are looked up again by the background sweep, never by a GET, which flips the status and the route', async () => {
    // The sweeps of the app's own timer would race the counts below: this test runs them itself.
    await t.app.services.dnsRecheck.stop();
    const domain = 'www.bob-later.test';
    const route = () => t.app.stores.routeRows.snapshot().webapps.find((r) => r.domain_name === domain);
    const r = await createWebapp(bob, domain);
    expect(r.statusCode, r.body).toBe(201);
    await eventually(() => expect(t.app.stores.customDomains.byDomain(domain)?.checked_at).not.toBeNull());
    expect(route()).toMatchObject({ enabled: 1, dns_pending: 1 });

    await dns.setCname(domain, `${bob.username}.pyhost.test`);
    const lookups = vi.spyOn(DnsCheck.prototype, 'lookup');
    try {
      // Well past the 30 s after which a GET used to look the domain up again.
      ahead += 31_000;
      for (let i = 0; i < 3; i++) expect((await getWebapp(bob, domain)).json()).toMatchObject({ dns_status: 'pending' });
      expect(lookups).not.toHaveBeenCalled();

      const version = t.app.stores.routeRows.currentVersion();
      expect(await t.app.services.dnsRecheck.sweep()).toBeGreaterThanOrEqual(1);
      expect(lookups.mock.calls.map(([d]) => d)).toContain(domain);
      expect((await getWebapp(bob, domain)).json()).toMatchObject({ dns_status: 'ok', custom_domain: { dns_message: `${domain} points here` } });
      expect(route()).toMatchObject({ enabled: 1, dns_pending: 0 });
      expect(t.app.stores.routeRows.currentVersion()).toBeGreaterThan(version);

      // An ok domain is not looked up again for 10 minutes; then a removed record stops its routing.
      await dns.clear(domain);
      lookups.mockClear();
      await t.app.services.dnsRecheck.sweep();
      expect(lookups.mock.calls.map(([d]) => d)).not.toContain(domain);
      expect(route()).toMatchObject({ dns_pending: 0 });
      ahead += 10 * 60_000;
      await t.app.services.dnsRecheck.sweep();
      expect(lookups.mock.calls.map(([d]) => d)).toContain(domain);
      expect((await getWebapp(bob, domain)).json()).toMatchObject({ dns_status: 'pending' });
      expect(route()).toMatchObject({ dns_pending: 1 });
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v0/user/${bob.username}/webapps/${domain}/`, headers: asToken(bob.token) })).statusCode).toBe(204);
    } finally {
      lookups.mockRestore();
      t.app.services.dnsRecheck.start();
    }
  });

  it('belong to one site on the instance: a second claim is refused, by anyone', async () => {
    const again = await createWebapp(bob, 'www.ann-ok.test');
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe('the domain www.ann-ok.test is already in use');
    const asWebsite = await t.app.inject({ method: 'POST', url: `/api/v1/user/${bob.username}/websites/`, headers: asToken(bob.token), payload: { domain_name: 'www.ann-ok.test', webapp: { command: 'python3 s.py' } } });
    expect(asWebsite.statusCode).toBe(400);
    expect(asWebsite.json().detail).toBe('domain with this domain name already exists');
    expect((await createWebapp(ann, 'www.ann-ok.test')).statusCode).toBe(409);
  });

  it("never include a name under another user's", async () => {
    const r = await createWebapp(bob, `shop.${ann.username}.pyhost.test`);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'domain_name', detail: `under pyhost.test you may use ${bob.username}.pyhost.test or a name ending in .${bob.username}.pyhost.test` });
    expect((await createWebapp(bob, `${ann.username}.pyhost.test`)).statusCode).toBe(400);
  });

  it('free their place in the limit when the site is deleted', async () => {
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v0/user/${ann.username}/webapps/www.ann-ok.test/`, headers: asToken(ann.token) })).statusCode).toBe(204);
    expect((await createWebapp(ann, 'www.ann-fourth.test')).statusCode).toBe(201);
  });
});
