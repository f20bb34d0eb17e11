import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { isAddressOrCidr, trustedProxyCheck } from '../../src/domain/trusted-proxies.js';
import { AccessLogs, formatAccessLine, type AccessEntry } from '../../src/ingress/access-log.js';
import { BasicAuth } from '../../src/ingress/basic-auth.js';
import { normalizeHost } from '../../src/ingress/host.js';
import { parseAbsoluteForm, requestFacts, upstreamHead } from '../../src/ingress/request-facts.js';
import { MAX_HEADER_FIELDS, MAX_TARGET_BYTES } from '../../src/ingress/request-limits.js';
import { parseSnapshot, serializeSnapshot } from '../../src/domain/route-snapshot.js';
import { availability, buildRouteTable } from '../../src/ingress/route-table.js';
import { silentLog } from '../../src/ingress/router-log.js';

const settings = { dataDir: '/data', domain: 'localhost', apiSocket: '/data/api.sock', uidBase: 10000 };
const row = { id: 7, user_id: 3, username: 'alice', domain_name: 'alice.localhost', enabled: 1, account_disabled: 0, dns_pending: 0, active_generation: 2, sleeping: 0, crashed: 0, force_https: 0, hsts_enabled: 0, password_protection_enabled: 0, password_protection_username: null, password_protection_hash: null };

describe('host matching', () => {
  it.each([
    ['alice.localhost', 'alice.localhost'],
    ['Alice.LocalHost:8080', 'alice.localhost'],
    ['alice.localhost.', 'alice.localhost'],
    ['alice.localhost.:80', 'alice.localhost'],
    ['[::1]:8080', '[::1]'],
    ['alice.localhost:notaport', ''],
    [undefined, ''],
  ])('%s -> %s', (raw, host) => expect(normalizeHost(raw)).toBe(host));

  it('finds apps and the dashboard, and nothing for other hosts', () => {
    const table = buildRouteTable(settings, 1, [row], [{ webapp_id: 7, url: '/s/', path: '/home/alice/s' }, { webapp_id: 7, url: '/s/deep/', path: '/var/www/d' }]);
    const app = table.lookup('ALICE.localhost.:8080');
    expect(app).toMatchObject({ kind: 'app', uid: 10003, socketPath: '/data/run/7/g2/app.sock', accessLogFile: '/data/users/alice/log/alice.localhost.access.log' });
    expect(app?.kind === 'app' && app.staticFiles.map((s) => s.url)).toEqual(['/s/deep/', '/s/']);
    expect(table.lookup('localhost:8080')).toEqual({ kind: 'api' });
    expect(table.lookup('www.localhost')).toMatchObject({ kind: 'api' });
    expect(table.lookup('bob.localhost')).toBeUndefined();
    expect(table.lookup('localhost.evil.com')).toBeUndefined();
  });

  it('has no socket before a first container, and refuses everyone when protection has no password', () => {
    const table = buildRouteTable(settings, 1, [{ ...row, active_generation: 0, password_protection_enabled: 1 }], []);
    expect(table.lookup('alice.localhost')).toMatchObject({ socketPath: null, protected: true, auth: null });
  });

  it('serves nothing of a disabled account, whatever the app says, and knows which page to answer', () => {
    const lookup = (over: object) => buildRouteTable(settings, 1, [{ ...row, ...over }], []).lookup('alice.localhost');
    expect(lookup({})).toMatchObject({ enabled: true, disabledBy: null });
    expect(lookup({ enabled: 0 })).toMatchObject({ enabled: false, disabledBy: 'owner' });
    expect(lookup({ account_disabled: 1 })).toMatchObject({ enabled: false, disabledBy: 'account' });
    expect(lookup({ enabled: 0, account_disabled: 1 })).toMatchObject({ enabled: false, disabledBy: 'account' });
  });

  // Account suspension, then the owner's switch, then the DNS: the page names the first reason that holds.
  it.each([
    [{ enabled: 1, account_disabled: 0, dns_pending: 0 }, { enabled: true, disabledBy: null }],
    [{ enabled: 1, account_disabled: 0, dns_pending: 1 }, { enabled: false, disabledBy: 'dns' }],
    [{ enabled: 0, account_disabled: 0, dns_pending: 1 }, { enabled: false, disabledBy: 'owner' }],
    [{ enabled: 1, account_disabled: 1, dns_pending: 1 }, { enabled: false, disabledBy: 'account' }],
    [{ enabled: 0, account_disabled: 1, dns_pending: 1 }, { enabled: false, disabledBy: 'account' }],
  ])('availability of %j is %j', (state, expected) => expect(availability(state)).toEqual(expected));

  it('keeps a custom domain waiting for DNS in the table, web app or website, with the DNS as the reason', () => {
    const table = buildRouteTable(settings, 1, [{ ...row, domain_name: 'www.own.test', dns_pending: 1 }], [], [
      { id: 2, user_id: 3, username: 'alice', domain_name: 'shop.own.test', enabled: 1, account_disabled: 0, dns_pending: 1, active_generation: 1, crashed: 0 },
    ]);
    expect(table.lookup('www.own.test')).toMatchObject({ kind: 'app', webappId: 7, enabled: false, disabledBy: 'dns' });
    expect(table.lookup('shop.own.test')).toMatchObject({ kind: 'app', webappId: -2, enabled: false, disabledBy: 'dns' });
  });

  it('publishes hsts_enabled as the route\'s hsts, for web apps only', () => {
    const table = buildRouteTable(settings, 1, [{ ...row, hsts_enabled: 1 }], [], [
      { id: 2, user_id: 3, username: 'alice', domain_name: 'site.alice.localhost', enabled: 1, account_disabled: 0, dns_pending: 0, active_generation: 1, crashed: 0 },
    ]);
    expect(table.lookup('alice.localhost')).toMatchObject({ hsts: true, forceHttps: false });
    expect(table.lookup('site.alice.localhost')).toMatchObject({ hsts: false });
    expect(buildRouteTable(settings, 1, [row], []).lookup('alice.localhost')).toMatchObject({ hsts: false });
  });

  it('reads route files written before dns_pending and hsts_enabled existed as 0', () => {
    const { dns_pending: _, hsts_enabled: __, ...old } = row;
    const file = JSON.stringify({ format: 2, version: 4, webapps: [old], static_files: [], websites: [{ id: 2, user_id: 3, username: 'alice', domain_name: 'b.localhost', enabled: 1, account_disabled: 0, active_generation: 1 }] });
    const snapshot = parseSnapshot(file);
    expect(snapshot.webapps[0]).toMatchObject({ dns_pending: 0, hsts_enabled: 0 });
    expect(snapshot.websites?.[0]).toMatchObject({ dns_pending: 0 });
    expect(parseSnapshot(serializeSnapshot({ ...snapshot, webapps: [{ ...row, dns_pending: 1 }] })).webapps[0]).toMatchObject({ dns_pending: 1 });
    expect(() => parseSnapshot(JSON.stringify({ format: 2, version: 4, webapps: [{ ...row, dns_pending: 'yes' }], static_files: [] }))).toThrow(/malformed/);
  });
});

describe('request facts', () => {
  const req = (rawHeaders: string[], remoteAddress = '203.0.113.9') =>
    ({ rawHeaders, socket: { remoteAddress }, method: 'POST', url: '/x?y=1' }) as unknown as IncomingMessage;
  const untrusted = trustedProxyCheck([]);
  const trusted = trustedProxyCheck(['10.0.0.0/8']);

  it('replaces forwarding headers from untrusted clients and drops hop-by-hop ones', () => {
    const f = requestFacts(req(['Host', 'a.localhost', 'X-Forwarded-For', '1.2.3.4', 'X-Forwarded-Proto', 'https', 'Connection', 'keep-alive, X-Secret', 'X-Secret', 's', 'Transfer-Encoding', 'chunked', 'Cookie', 'c=1', 'X-Request-Id', 'forged']), untrusted);
    expect(f).toMatchObject({ host: 'a.localhost', proto: 'http', clientIp: '203.0.113.9', forwardedFor: '203.0.113.9', forwardedHost: 'a.localhost', chunked: true });
    expect(f.requestId).not.toBe('forged');
    expect(f.passOn).toBe('Host: a.localhost\r\nCookie: c=1\r\n');
    const forwarded = `X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: a.localhost\r\nX-Real-IP: 203.0.113.9\r\nX-Request-Id: ${f.requestId}\r\n`;
    expect(upstreamHead(req([]), f, 'Content-Length: 3\r\n', 'close')).toBe(
      `POST /x?y=1 HTTP/1.1\r\nHost: a.localhost\r\nCookie: c=1\r\n${forwarded}Connection: close\r\nContent-Length: 3\r\n\r\n`,
    );
    // A kept connection says nothing: keep-alive is HTTP/1.1's default.
    expect(upstreamHead(req([]), f, '', 'keep-alive')).toBe(`POST /x?y=1 HTTP/1.1\r\nHost: a.localhost\r\nCookie: c=1\r\n${forwarded}\r\n`);
  });

  it('believes a trusted proxy', () => {
    const f = requestFacts(req(['Host', 'a.localhost', 'X-Forwarded-For', '198.51.100.1, 10.0.0.2', 'X-Forwarded-Proto', 'HTTPS', 'X-Forwarded-Host', 'a.example.org', 'X-Request-Id', 'abc-123'], '::ffff:10.1.1.1'), trusted);
    expect(f).toMatchObject({ trusted: true, proto: 'https', clientIp: '10.0.0.2', forwardedFor: '198.51.100.1, 10.0.0.2, 10.1.1.1', forwardedHost: 'a.example.org', requestId: 'abc-123' });
  });

  it('validates trusted proxy entries', () => {
    expect(['10.0.0.0/8', '::1', '2001:db8::/32', '127.0.0.1'].every(isAddressOrCidr)).toBe(true);
    expect(['10.0.0.0/33', 'example.org', '10.0.0/8', ''].some(isAddressOrCidr)).toBe(false);
    expect(() => loadConfig({ PYHOST_TRUSTED_PROXIES: 'proxy.local' })).toThrow(/PYHOST_TRUSTED_PROXIES/);
  });

  it('reads the router settings and the api socket', () => {
    const c = loadConfig({ PYHOST_DATA: '/d', PYHOST_APP_WAIT_SECONDS: '3', PYHOST_ROUTER_WORKERS: '2' });
    expect(c.apiSocket).toBe('/d/api.sock');
    expect(c.router).toMatchObject({ workers: 2, appWaitMs: 3000, appTimeoutMs: 300_000, headersTimeoutMs: 20_000 });
    expect(loadConfig({ PYHOST_API_SOCKET: '/run/api.sock' }).apiSocket).toBe('/run/api.sock');
    expect(() => loadConfig({ PYHOST_HEADERS_TIMEOUT_SECONDS: '0' })).toThrow(/PYHOST_HEADERS_TIMEOUT_SECONDS/);
  });
});

describe('requests refused or rewritten before routing', () => {
  const req = (url: string, rawHeaders: string[]) => ({ rawHeaders, socket: { remoteAddress: '203.0.113.9' }, method: 'GET', url }) as unknown as IncomingMessage;
  const untrusted = trustedProxyCheck([]);
  const fields = (n: number) => ['Host', 'a.localhost', ...Array.from({ length: n - 1 }, (_, i) => [`X-${i}`, 'v']).flat()];

  it(`refuses more than ${MAX_HEADER_FIELDS} header fields (431) and a target over ${MAX_TARGET_BYTES} bytes (414)`, () => {
    expect(requestFacts(req('/', fields(MAX_HEADER_FIELDS)), untrusted).refusal).toBe(0);
    expect(requestFacts(req('/', fields(MAX_HEADER_FIELDS + 1)), untrusted).refusal).toBe(431);
    expect(requestFacts(req(`/${'a'.repeat(MAX_TARGET_BYTES - 1)}`, fields(1)), untrusted).refusal).toBe(0);
    expect(requestFacts(req(`/${'a'.repeat(MAX_TARGET_BYTES)}`, fields(1)), untrusted).refusal).toBe(414);
  });

  it('refuses two Host headers (400)', () => {
    expect(requestFacts(req('/', ['Host', 'a.localhost', 'host', 'b.localhost']), untrusted).refusal).toBe(400);
    expect(requestFacts(req('/', ['Host', 'a.localhost', 'X', '1', 'HOST', 'a.localhost']), untrusted).refusal).toBe(400);
  });

  it('routes an absolute-form target by its authority, and gives the app origin-form and that Host', () => {
    const f = requestFacts(req('http://b.localhost:8080/p?q=1', ['Host', 'a.localhost', 'Cookie', 'c=1', 'Connection', 'x-gone', 'X-Gone', '1']), untrusted);
    expect(f).toMatchObject({ refusal: 0, host: 'b.localhost:8080', target: '/p?q=1', forwardedHost: 'b.localhost:8080', passOn: 'Host: b.localhost:8080\r\nCookie: c=1\r\n' });
    expect(upstreamHead(req('http://b.localhost:8080/p?q=1', []), f, '', 'keep-alive')).toMatch(/^GET \/p\?q=1 HTTP\/1\.1\r\nHost: b\.localhost:8080\r\n/);
    // HTTP/1.0 needs no Host; the app gets one all the same.
    expect(requestFacts(req('http://b.localhost', []), untrusted)).toMatchObject({ host: 'b.localhost', target: '/', passOn: 'Host: b.localhost\r\n' });
    // Origin-form and "*" stay as they are; Host cannot be made hop-by-hop.
    expect(requestFacts(req('/x?y', ['Host', 'a.localhost', 'Connection', 'Host']), untrusted)).toMatchObject({ host: 'a.localhost', target: '/x?y', passOn: 'Host: a.localhost\r\n' });
    expect(requestFacts(req('*', ['Host', 'a.localhost']), untrusted)).toMatchObject({ target: '*' });
  });

  it.each([
    ['http://b.localhost/p?q', { authority: 'b.localhost', target: '/p?q' }],
    ['HTTPS://B.localhost', { authority: 'B.localhost', target: '/' }],
    ['http://b.localhost?q=1', { authority: 'b.localhost', target: '/?q=1' }],
    ['http://[::1]:8080/x', { authority: '[::1]:8080', target: '/x' }],
    ['http://user@b.localhost/', null],
    ['http://u:p@b.localhost/', null],
    ['ftp://b.localhost/', null],
    ['http:///p', null],
    ['http://:80/', null],
    ['http://b.localhost:8o/', null],
    ['http:b.localhost/', null],
  ])('absolute-form %s -> %j', (url, parsed) => expect(parseAbsoluteForm(url)).toEqual(parsed));

  it('refuses a malformed absolute-form target (400)', () => {
    expect(requestFacts(req('http://user@b.localhost/', ['Host', 'b.localhost']), untrusted).refusal).toBe(400);
  });
});

describe('basic auth', () => {
  const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  it('checks a password once, then remembers it; wrong ones are always checked', async () => {
    let checks = 0;
    const auth = new BasicAuth({ verify: async (p) => (checks++, p === 'right') });
    const creds = { username: 'u', hash: 'h' };
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.check(creds, header('u', 'right'))));
    expect(results.every((r) => r === 'ok')).toBe(true);
    expect(checks).toBe(1);
    expect(await auth.check(creds, header('u', 'wrong'))).toBe('denied');
    expect(await auth.check(creds, header('other', 'right'))).toBe('denied');
    expect(await auth.check(creds, 'Bearer x')).toBe('denied');
    expect(await auth.check(null, header('u', 'right'))).toBe('denied');
    expect(checks).toBe(2);
    expect(BasicAuth.username(header('u', 'p:w'))).toBe('u');
  });

  it('answers busy instead of queueing without limit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const auth = new BasicAuth({ verify: async () => (await gate, false), maxConcurrent: 1, maxWaiting: 1 });
    const creds = { username: 'u', hash: 'h' };
    const first = auth.check(creds, header('u', 'a'));
    const second = auth.check(creds, header('u', 'b'));
    expect(await auth.check(creds, header('u', 'c'))).toBe('busy');
    release();
    expect(await Promise.all([first, second])).toEqual(['denied', 'denied']);
  });
});

describe('access log', () => {
  const entry: AccessEntry = { ip: '1.2.3.4', user: undefined, time: Date.UTC(2026, 10, 25, 9, 40, 0, 123), method: 'GET', url: '/a "b"\u00e9', httpVersion: '1.1', status: 200, bytes: 512, referer: undefined, userAgent: 'curl/8', durationMs: 4.2, requestId: 'abc-1' };
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes combined format plus response time and request id', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-al-'));
    expect(formatAccessLine(entry)).toBe('1.2.3.4 - - [25/Nov/2026:09:40:00 +0000] "GET /a \\x22b\\x22\\xE9 HTTP/1.1" 200 512 "-" "curl/8" response-time=0.004 request-id=abc-1\n');
  });

  it('rotates by size like the gateway (.1, then .2.gz …) and never follows a symlink', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-al-'));
    const file = path.join(dir, 'a.localhost.access.log');
    const logs = new AccessLogs({ maxBytes: 300, keep: 3, flushMs: 5, log: silentLog });
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 2; i++) logs.write(file, process.getuid!(), { ...entry, requestId: `r${round}-${i}` });
      await logs.flush();
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['a.localhost.access.log', 'a.localhost.access.log.1', 'a.localhost.access.log.2.gz', 'a.localhost.access.log.3.gz']);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/request-id=r3-0\n.*request-id=r3-1\n$/);
    expect(zlib.gunzipSync(fs.readFileSync(`${file}.2.gz`)).toString()).toMatch(/request-id=r1-1/);

    const secret = path.join(dir, 'secret');
    fs.writeFileSync(secret, 'top secret\n');
    fs.rmSync(file);
    fs.symlinkSync(secret, file);
    logs.write(file, process.getuid!(), entry);
    await logs.flush();
    expect(fs.readFileSync(secret, 'utf8')).toBe('top secret\n');
    await logs.close();
  });
});
