import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_FIELDS, MAX_TARGET_BYTES } from '../../src/ingress/request-limits.js';
import { eventually } from '../helpers/eventually.js';
import { startStandInRouter, type StandInRouter } from './stand-in-router.js';

// What the router refuses before routing (too many header fields, a URL too
// long, two Hosts, a malformed absolute-form target) and how it routes an
// absolute-form request (RFC 9112 §3.2.2), against stand-in apps that tell
// the request head they got.

/** Writes raw bytes on one connection and collects the answer until the router closes it (bounded). */
function exchange(port: number, payload: string, waitMs = 3000): Promise<{ status: number; head: string; body: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      const end = text.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), head: text.slice(0, end), body: text.slice(end + 4), closed });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done(false);
    }, waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
    socket.write(payload, 'latin1');
  });
}

/** A request head with `count` header fields in all (Host and Connection: close among them). */
function withFields(count: number, host: string, target = '/', method = 'GET'): string {
  let head = `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (let i = 0; i < count - 2; i++) head += `X-F-${String(i).padStart(3, '0')}: v\r\n`;
  return `${head}Connection: close\r\n\r\n`;
}

describe('requests the router refuses or rewrites at the edge', () => {
  let router: StandInRouter;
  /** The request heads each stand-in app received. */
  const received = new Map<string, string[]>();

  beforeAll(async () => {
    router = await startStandInRouter(['one', 'two'], {}, [{ name: 'two', url: '/static/', path: '/home/u/site' }]);
    // The user's three folders (a mapping reaches nothing else), and a file of theirs.
    for (const folder of ['www', 'log']) fs.mkdirSync(path.join(router.dir, 'users', 'u', folder), { recursive: true });
    const site = path.join(router.dir, 'users', 'u', 'home', 'site');
    fs.mkdirSync(site, { recursive: true });
    fs.writeFileSync(path.join(site, 'file.txt'), 'a static file');
    for (const name of ['one', 'two']) {
      received.set(name, []);
      const server = net.createServer((c) => {
        let buf = '';
        c.on('data', (d) => {
          buf += d.toString('latin1');
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buf.slice(0, end);
          buf = '';
          received.get(name)!.push(head);
          const body = JSON.stringify({ app: name, head });
          c.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        });
        c.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(router.socketOf(name), resolve));
    }
  });
  afterAll(async () => {
    await router.close();
  });

  const seen = (res: { body: string }) => JSON.parse(res.body) as { app: string; head: string };

  it(`passes ${MAX_HEADER_FIELDS} header fields on and answers 431 to one more, without the app seeing it`, async () => {
    const most = await exchange(router.port, withFields(MAX_HEADER_FIELDS, 'one.localhost'));
    expect(most.status).toBe(200);
    expect(seen(most).head).toContain(`\r\nX-F-${String(MAX_HEADER_FIELDS - 3).padStart(3, '0')}: v`);
    const before = received.get('one')!.length;
    for (const count of [MAX_HEADER_FIELDS + 1, 150, 310, 2500]) {
      const res = await exchange(router.port, withFields(count, 'one.localhost'));
      expect(res.status, `${count} fields`).toBe(431);
      expect(res.closed).toBe(true);
    }
    expect(received.get('one')!.length).toBe(before);
  });

  it(`passes a ${MAX_TARGET_BYTES}-byte URL on and answers 414 to a longer one`, async () => {
    const longest = `/${'u'.repeat(MAX_TARGET_BYTES - 1)}`;
    const ok = await exchange(router.port, withFields(2, 'one.localhost', longest));
    expect(ok.status).toBe(200);
    expect(seen(ok).head.startsWith(`GET ${longest} HTTP/1.1\r\n`)).toBe(true);
    const tooLong = await exchange(router.port, withFields(2, 'one.localhost', `${longest}u`));
    expect(tooLong.status).toBe(414);
    expect(tooLong.closed).toBe(true);
    expect(tooLong.body).toContain('414 URI Too Long');
  });

  it('refuses two Host headers with 400, the same or different', async () => {
    const before = received.get('one')!.length + received.get('two')!.length;
    for (const hosts of ['Host: one.localhost\r\nHost: two.localhost', 'Host: one.localhost\r\nHost: one.localhost', 'host: two.localhost\r\nHOST: one.localhost']) {
      const res = await exchange(router.port, `GET / HTTP/1.1\r\n${hosts}\r\nConnection: close\r\n\r\n`);
      expect(res.status, hosts).toBe(400);
      expect(res.closed).toBe(true);
    }
    expect(received.get('one')!.length + received.get('two')!.length).toBe(before);
  });

  it('routes an absolute-form request by its authority and gives the app the path, with the authority as Host', async () => {
    const res = await exchange(router.port, 'GET http://two.localhost/p/q?x=1 HTTP/1.1\r\nHost: one.localhost\r\nX-Mine: 1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
    const { app, head } = seen(res);
    expect(app).toBe('two');
    expect(head).toMatch(/^GET \/p\/q\?x=1 HTTP\/1\.1\r\nHost: two\.localhost\r\nX-Mine: 1\r\n/);
    expect(head).not.toContain('one.localhost');
    expect(head).toContain('\r\nX-Forwarded-Host: two.localhost\r\n');

    // No path: "/"; the scheme and host in any case, a port: as the client wrote them.
    const bare = seen(await exchange(router.port, 'GET HTTP://Two.LocalHost:8080 HTTP/1.1\r\nHost: one.localhost\r\nConnection: close\r\n\r\n'));
    expect(bare.app).toBe('two');
    expect(bare.head).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: Two\.LocalHost:8080\r\n/);
    const query = seen(await exchange(router.port, 'GET http://two.localhost?a=b HTTP/1.1\r\nHost: two.localhost\r\nConnection: close\r\n\r\n'));
    expect(query.head).toMatch(/^GET \/\?a=b HTTP\/1\.1\r\n/);

    // HTTP/1.0 may leave Host out; the app still gets one.
    const old = seen(await exchange(router.port, 'GET http://two.localhost/old HTTP/1.0\r\n\r\n'));
    expect(old.head).toMatch(/^GET \/old HTTP\/1\.1\r\nHost: two\.localhost\r\n/);

    // Static files and the access log see the path too.
    const file = await exchange(router.port, 'GET http://two.localhost/static/file.txt HTTP/1.1\r\nHost: one.localhost\r\nConnection: close\r\n\r\n');
    expect(file).toMatchObject({ status: 200, body: 'a static file' });
    const log = path.join(router.dir, 'users', 'u', 'log', 'two.localhost.access.log');
    await eventually(() => {
      const lines = fs.readFileSync(log, 'utf8');
      expect(lines).toContain('"GET /p/q?x=1 HTTP/1.1" 200 ');
      expect(lines).toContain('"GET /static/file.txt HTTP/1.1" 200 13 ');
      expect(lines).not.toContain('http://');
    }, { intervalMs: 20 });
  });

  it('refuses a malformed absolute-form target with 400', async () => {
    const before = received.get('one')!.length + received.get('two')!.length;
    for (const target of ['http://user@two.localhost/', 'http://user:pw@two.localhost/', 'ftp://two.localhost/', 'http:///x', 'http://:80/', 'http://[two/']) {
      const res = await exchange(router.port, `GET ${target} HTTP/1.1\r\nHost: two.localhost\r\nConnection: close\r\n\r\n`);
      expect(res.status, target).toBe(400);
    }
    expect(received.get('one')!.length + received.get('two')!.length).toBe(before);
  });

  it('refuses the same requests when they ask for an Upgrade', async () => {
    const upgrade = (head: string) => head.replace('Connection: close\r\n', 'Connection: Upgrade\r\nUpgrade: websocket\r\n');
    expect((await exchange(router.port, upgrade(withFields(MAX_HEADER_FIELDS + 1, 'one.localhost')))).status).toBe(431);
    expect((await exchange(router.port, upgrade(withFields(2, 'one.localhost', `/${'u'.repeat(MAX_TARGET_BYTES)}`)))).status).toBe(414);
    expect((await exchange(router.port, upgrade('GET / HTTP/1.1\r\nHost: one.localhost\r\nHost: two.localhost\r\nConnection: close\r\n\r\n'))).status).toBe(400);
  });
});
