import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter, silentLog, type RunningRouter } from '../../src/ingress/index.js';
import { eventually } from '../helpers/eventually.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startStandInRouter, type StandInRouter } from './stand-in-router.js';

// An upstream may answer before it has read the request's body (the api's
// 401 for an expired session, its 413, an app's early refusal) and close
// the connection. The client gets that answer, not the router's "dashboard
// is restarting" or 502 page, and its connection stays usable.

const MiB = 1024 * 1024;

/** A POST with a body of `size` bytes, written as fast as the router takes it; resolves with the answer. */
function upload(port: number, host: string, target: string, size: number, contentType = 'application/octet-stream'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: target, method: 'POST', agent: false, headers: { host, 'content-type': contentType, 'content-length': String(size) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Answers 401 as soon as a request head is in, and closes the connection without reading the body. */
function refuseEarly(c: net.Socket): void {
  let head = '';
  c.on('data', (d) => {
    if (head.includes('\r\n\r\n')) return;
    head += d.toString('latin1');
    if (head.includes('\r\n\r\n')) c.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nlog in first', () => c.destroy());
  });
  c.on('error', () => undefined);
}

describe('early answers, from stand-ins that close at once', () => {
  let router: StandInRouter;
  let links: net.Server;
  const linkSocket = () => path.join(router.dir, 'link.sock');

  beforeAll(async () => {
    router = await startStandInRouter(['early', 'fine'], { PYHOST_APP_WAIT_SECONDS: '2', PYHOST_APP_TIMEOUT_SECONDS: '5' });
    await new Promise<void>((resolve) => net.createServer(refuseEarly).listen(router.socketOf('early'), resolve));
    const fine = net.createServer((c) => {
      c.on('data', (d) => {
        if (d.includes('\r\n\r\n')) c.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine');
      });
      c.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => fine.listen(router.socketOf('fine'), resolve));
    // Where a stand-in api opens its links to the router (as services/ingress-links.ts does).
    links = net.createServer((sock) => router.apiLinks.accept(sock));
    await new Promise<void>((resolve) => links.listen(linkSocket(), resolve));
  });
  afterAll(async () => {
    links?.close();
    await router?.close();
  });

  it('passes on an app’s answer to an upload it did not read', async () => {
    for (let i = 0; i < 5; i++) {
      expect(await upload(router.port, 'early.localhost', '/upload', 4 * MiB), `upload ${i + 1}`).toEqual({ status: 401, body: 'log in first' });
    }
  });

  it('passes on the api’s answer to an upload it did not read, not the "restarting" page', async () => {
    for (let i = 0; i < 5; i++) {
      // The stand-in api answers once the head is in and closes the link, just as
      // more of the body reaches the router: the router reads the body first and
      // writes it to the closed link before it reads the answer.
      const client = net.connect(router.port, '127.0.0.1');
      const api = net.connect(linkSocket());
      let head = '';
      api.on('data', (d) => {
        if (head.includes('\r\n\r\n')) return;
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        client.write(Buffer.alloc(64 * 1024, 'y'));
        api.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nlog in first');
        api.destroy();
      });
      api.on('error', () => undefined);
      await eventually(() => expect(router.apiLinks.size).toBe(1), { intervalMs: 5 });
      let text = '';
      client.on('data', (d) => (text += d.toString('latin1')));
      client.on('error', () => undefined);
      client.write(`POST /api/v0/user/x/files/path/home/x/big.bin HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${4 * MiB}\r\n\r\n`);
      client.write(Buffer.alloc(64 * 1024, 'x'));
      try {
        await eventually(() => expect(text).toMatch(/\r\n\r\n/), { intervalMs: 5 });
        expect(text.slice(0, text.indexOf('\r\n')), `upload ${i + 1}`).toBe('HTTP/1.1 401 Unauthorized');
        expect(text).toMatch(/\r\n\r\nlog in first$/);
      } finally {
        client.destroy();
      }
      await eventually(() => expect(router.apiLinks.size).toBe(0), { intervalMs: 5 });
    }
  });

  it('reads and drops the rest of the body after the answer, so the client connection carries the next request', async () => {
    const socket = net.connect(router.port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    try {
      socket.write(`POST /upload HTTP/1.1\r\nHost: early.localhost\r\nContent-Length: ${4 * MiB}\r\n\r\n`);
      socket.write(Buffer.alloc(MiB, 'x'));
      await eventually(() => expect(text).toMatch(/^HTTP\/1\.1 401 [^]*\r\n\r\nlog in first$/), { intervalMs: 10 });
      socket.write(Buffer.alloc(3 * MiB, 'y'));
      socket.write('GET /next HTTP/1.1\r\nHost: fine.localhost\r\n\r\n');
      await eventually(() => expect(text).toMatch(/log in firstHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nfine$/), { intervalMs: 10 });
    } finally {
      socket.destroy();
    }
  });
});

describe('early answers from the api, through the router', () => {
  let t: TestApp;
  let router: RunningRouter;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ path: t.config.apiSocket });
    router = await startRouter(t.config, silentLog, { port: 0 });
    await eventually(() => expect(router.apiLinks.pool.size).toBeGreaterThan(0), { intervalMs: 20 });
  });
  afterAll(async () => {
    await router?.close();
    await t?.close();
  });

  // Node's http server reads and drops a body nobody read (401); Fastify's 413 closes the link.
  it('passes on its 401 to an upload without credentials, and its 413 to a body over its limit', async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await upload(router.port, 'localhost', '/api/v0/user/nobody/files/path/home/nobody/big.bin', 4 * MiB);
      expect(refused.status, refused.body.slice(0, 200)).toBe(401);
      expect(refused.body).toMatch(/log in/);
      const tooLarge = await upload(router.port, 'localhost', '/api/auth/login', 4 * MiB, 'application/json');
      expect(tooLarge.status, tooLarge.body.slice(0, 200)).toBe(413);
    }
  });
});
