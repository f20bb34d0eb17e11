import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHALLTESTSRV_INSTALLED, startTestDns, type TestDns } from '../helpers/challtestsrv.js';
import { waitForState } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken } from '../helpers/test-app.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

// A web app on a custom domain in a real container behind the router: the
// router's "waiting for DNS" page while the domain's record is missing, the
// app itself once the record points here, and the page again once it is gone.

describe.skipIf(!CHALLTESTSRV_INSTALLED)('a custom domain in front of a real container', () => {
  let f: RouterFixture;
  let dns: TestDns;
  const domain = 'www.dns-docker.test';

  beforeAll(async () => {
    dns = await startTestDns();
    f = await createRouterFixture({ PYHOST_DNS_SERVER: dns.server });
    const admin = await adminToken(f.t.app);
    const allowed = await f.t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(admin), payload: { custom_domains: true } });
    expect(allowed.statusCode, allowed.body).toBe(200);
  });
  afterAll(async () => {
    await f?.close();
    dns?.close();
  });

  it('serves the DNS page until the record points here, then the app, and the page again when the record goes', async () => {
    const created = await f.api('POST', '', { domain_name: domain });
    expect(created.statusCode, created.body).toBe(201);
    await waitForState(f.t.app, f.user, domain, 'running');
    await eventually(() => expect(f.t.app.stores.customDomains.byDomain(domain)?.checked_at).not.toBeNull());

    const waiting = await eventually(async () => {
      const r = await f.request(domain);
      expect(r.status).toBe(503);
      return r;
    }, { intervalMs: 50 });
    expect(waiting.headers['retry-after']).toBe('30');
    expect(waiting.body).toContain('waiting for its DNS record to point here');

    // One domain's step of the background sweep (the sweep's schedule is test/api/custom-domains.test.ts's).
    await dns.setCname(domain, `${f.user.username}.localhost`);
    await f.t.app.services.customDomains.check(f.user.username, domain);
    const served = await eventually(async () => {
      const r = await f.request(domain);
      expect(r.status, r.body).toBe(200);
      return r;
    }, { intervalMs: 50, timeoutMs: 20_000 });
    expect(served.body).toContain('Hello');

    await dns.clear(domain);
    await f.t.app.services.customDomains.check(f.user.username, domain);
    await eventually(async () => expect((await f.request(domain)).status).toBe(503), { intervalMs: 50 });
  });
});
