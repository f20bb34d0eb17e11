import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsInstructions } from '../../src/domain/custom-domains.js';
import { DnsCheck } from '../../src/services/domains/dns-check.js';
import { CHALLTESTSRV_INSTALLED, startTestDns, type TestDns } from '../helpers/challtestsrv.js';

// A real DNS server on loopback (pebble-challtestsrv), records set per test.
describe.skipIf(!CHALLTESTSRV_INSTALLED)('DnsCheck against a DNS server', () => {
  let dns: TestDns;
  let check: DnsCheck;
  const records = (domain: string) => dnsInstructions(domain, 'alice', 'pyhost.test', '203.0.113.7');

  beforeAll(async () => {
    dns = await startTestDns();
    check = new DnsCheck({ server: dns.server, publicIp: '203.0.113.7' }, 1000);
  });
  afterAll(() => dns?.close());

  it('finds a CNAME to the user\'s name: ok', async () => {
    await dns.setCname('www.cname-ok.test', 'alice.pyhost.test');
    expect(await check.check('www.cname-ok.test', records('www.cname-ok.test'))).toEqual({ status: 'ok', found: null });
  });

  it('finds an A record to the server: ok', async () => {
    await dns.addA('www.a-ok.test', ['203.0.113.7']);
    expect(await check.check('www.a-ok.test', records('www.a-ok.test'))).toEqual({ status: 'ok', found: null });
  });

  it('says what a wrong record points at', async () => {
    await dns.addA('www.a-wrong.test', ['198.51.100.1']);
    expect(await check.check('www.a-wrong.test', records('www.a-wrong.test'))).toEqual({ status: 'wrong', found: 'an A record to 198.51.100.1' });
    await dns.setCname('www.cname-wrong.test', 'bob.pyhost.test');
    expect(await check.check('www.cname-wrong.test', records('www.cname-wrong.test'))).toEqual({ status: 'wrong', found: 'a CNAME record to bob.pyhost.test' });
  });

  it('is pending while there is no record, and ok once it is made', async () => {
    expect(await check.check('www.later.test', records('www.later.test'))).toEqual({ status: 'pending', found: null });
    await dns.setCname('www.later.test', 'alice.pyhost.test');
    expect((await check.check('www.later.test', records('www.later.test'))).status).toBe('ok');
  });

  it('is pending when the resolver does not answer', async () => {
    const dead = new DnsCheck({ server: '127.0.0.1:9', publicIp: null }, 200);
    expect(await dead.check('www.example.org', records('www.example.org'))).toEqual({ status: 'pending', found: null });
    // …which lookup() tells apart from "no record": a domain that pointed here is not taken off the air for it.
    expect(await dead.lookup('www.example.org', records('www.example.org'))).toBeNull();
    expect(await check.lookup('www.none.test', records('www.none.test'))).toEqual({ status: 'pending', found: null });
  });
});
