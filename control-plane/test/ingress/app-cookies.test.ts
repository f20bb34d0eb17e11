import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieMayPass } from '../../src/ingress/cookie-domains.js';
import { buildRouteTable } from '../../src/ingress/route-table.js';
import { routerRequest } from './router-fixture.js';
import { startStandInRouter, type StandInRouter } from './stand-in-router.js';

// An app may set cookies for itself only: one whose Domain covers the
// dashboard or another app never reaches the browser.

const row = (id: number, domain: string) => ({
  id, user_id: id, username: `u${id}`, domain_name: domain, enabled: 1, account_disabled: 0, dns_pending: 0, active_generation: 1, sleeping: 0, crashed: 0, force_https: 0, hsts_enabled: 0,
  password_protection_enabled: 0, password_protection_username: null, password_protection_hash: null,
});

describe('cookie domains', () => {
  const table = buildRouteTable({ dataDir: '/data', domain: 'pyhost.example', uidBase: 10000 }, 1, [row(1, 'solo.example'), row(2, 'shop.example'), row(3, 'blog.shop.example'), row(4, 'example')], []);

  it('knows which served hosts lie below a domain', () => {
    expect(table.hasHostsBelow('example')).toBe(true); // the dashboard among them
    expect(table.hasHostsBelow('shop.example')).toBe(true);
    expect(table.hasHostsBelow('pyhost.example')).toBe(true); // www.pyhost.example
    expect(table.hasHostsBelow('solo.example')).toBe(false);
    expect(table.hasHostsBelow('blog.shop.example')).toBe(false);
    expect(table.hasHostsBelow('nowhere.example')).toBe(false);
  });

  it.each([
    ['solo.example', 'a=1', true],
    ['solo.example', 'a=1; Path=/; HttpOnly', true],
    ['solo.example', 'a=domain=example; Path=/', true], // "domain=" in the value is no attribute
    ['solo.example', 'a=1; Domain=solo.example', true],
    ['solo.example', 'a=1; domain=.SOLO.example ; Secure', true],
    ['solo.example', '__Secure-a=1; Secure; Domain=solo.example', true],
    ['solo.example', '__Host-a=1; Secure; Path=/', true],
    ['solo.example', 'a=1; Domain=example', false], // the dashboard and every app
    ['solo.example', 'a=1; Domain=.example', false],
    ['solo.example', 'a=1;\tDOMAIN\t=\texample', false],
    ['solo.example', 'a=1; Domain=pyhost.example', false],
    ['solo.example', 'a=1; Domain=shop.example', false],
    ['solo.example', 'a=1; Domain=', false],
    ['solo.example', 'a=1; Domain=solo.example.', false],
    ['solo.example', 'a=1; Domain=sölo.example', false],
    ['solo.example', 'a=1; Domain=solo.example; Domain=example', false],
    ['shop.example', 'a=1; Domain=shop.example', false], // blog.shop.example is someone else's
    ['shop.example', 'a=1', true],
    ['blog.shop.example', 'a=1; Domain=blog.shop.example', true],
    ['blog.shop.example', 'a=1; Domain=shop.example', false],
  ])('from %s: %s -> %s', (app, setCookie, passes) => expect(cookieMayPass(setCookie, app, table)).toBe(passes));
});

describe('cookies apps set, through the router', () => {
  let router: StandInRouter;
  /** What each stand-in app answers with: Set-Cookie values. */
  const cookies: Record<string, string[]> = {
    solo: [
      'host-only=1; Path=/',
      'dashboard=1; Domain=localhost',
      'dotted=1; Path=/; domain=.localhost',
      'own=1; Domain=solo.localhost; HttpOnly',
      'own-dotted=1; Domain=.Solo.Localhost',
      'other=1; Domain=shop.localhost',
      '__Host-prefixed=1; Secure; Path=/',
      '__Secure-prefixed=1; Secure; Domain=solo.localhost',
      'empty=1; Domain=',
    ],
    shop: ['host-only=1', 'own=1; Domain=shop.localhost'],
    'blog.shop': ['parent=1; Domain=shop.localhost', 'own=1; Domain=blog.shop.localhost'],
  };

  beforeAll(async () => {
    router = await startStandInRouter(Object.keys(cookies));
    for (const [name, values] of Object.entries(cookies)) {
      const head = `HTTP/1.1 200 OK\r\n${values.map((v) => `Set-Cookie: ${v}\r\n`).join('')}Content-Length: 2\r\n\r\nok`;
      const server = net.createServer((c) => {
        c.on('data', () => c.write(head));
        c.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(router.socketOf(name), resolve));
    }
  });
  afterAll(async () => {
    await router.close();
  });

  const names = async (app: string) => {
    const res = await routerRequest(router.port, `${app}.localhost`, '/');
    expect(res.status).toBe(200);
    return (res.headers['set-cookie'] ?? []).map((c) => c.slice(0, c.indexOf('=')));
  };

  it('passes the cookies an app sets for itself, and only those', async () => {
    expect(await names('solo')).toEqual(['host-only', 'own', 'own-dotted', '__Host-prefixed', '__Secure-prefixed']);
  });

  it('drops a cookie for the app’s own domain when another app lives below it', async () => {
    expect(await names('shop')).toEqual(['host-only']);
    expect(await names('blog.shop')).toEqual(['own']);
  });

  it('screens the answer to an Upgrade (a WebSocket handshake) the same way', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const c = net.connect(router.port, '127.0.0.1', () => c.write('GET / HTTP/1.1\r\nHost: solo.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
      let text = '';
      c.on('data', (d) => {
        text += d.toString('latin1');
        if (text.includes('\r\n\r\nok')) {
          c.destroy();
          resolve(text);
        }
      });
      c.on('error', reject);
    });
    const set = answer.split('\r\n').filter((l) => /^set-cookie:/i.test(l)).map((l) => l.slice(l.indexOf(':') + 1).trim().split('=')[0]);
    expect(set).toEqual(['host-only', 'own', 'own-dotted', '__Host-prefixed', '__Secure-prefixed']);
  });
});
