import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerRequest } from './router-fixture.js';
import { startStandInRouter, type StandInRouter } from './stand-in-router.js';

// The proxy against stand-in apps on unix sockets (no Docker): response
// framings, slow and broken apps, sockets that appear late.

type Handler = (socket: net.Socket, request: string) => void;

describe('the proxy to app sockets', () => {
  let router: StandInRouter;
  let port: number;
  const apps = new Map<string, net.Server>();

  /** An app speaking raw HTTP on its socket: `handler` writes whatever response it likes. */
  async function app(name: string, handler: Handler): Promise<void> {
    const sock = router.socketOf(name);
    const s = net.createServer((c) => {
      let buf = '';
      c.on('data', (d) => {
        buf += d.toString('latin1');
        if (buf.includes('\r\n\r\n')) handler(c, buf);
      });
      c.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => s.listen(sock, resolve));
    apps.set(name, s);
  }

  beforeAll(async () => {
    router = await startStandInRouter(['cl', 'chunked', 'close', 'big', 'bad', 'silent', 'late', 'head', 'rude'], { PYHOST_APP_WAIT_SECONDS: '2', PYHOST_APP_TIMEOUT_SECONDS: '1' });
    port = router.port;

    await app('cl', (c) => c.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello'));
    await app('chunked', (c) => c.end('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\nGARBAGE'));
    await app('close', (c) => {
      c.write('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ');
      setTimeout(() => c.end('close'), 50);
    });
    await app('big', (c) => {
      c.write('HTTP/1.1 200 OK\r\nContent-Length: 4000000\r\n\r\n');
      const chunk = Buffer.alloc(100_000, 'z');
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!c.write(chunk)) return void c.once('drain', pump);
        }
        c.end();
      };
      pump();
    });
    await app('bad', (c) => c.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'));
    await app('silent', () => undefined);
    await app('head', (c, req) => c.end(req.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n' : 'HTTP/1.1 500 X\r\nContent-Length: 0\r\n\r\n'));
    await app('rude', (c) => c.destroy());
  });

  afterAll(async () => {
    for (const s of apps.values()) s.close();
    await router.close();
  });

  it('passes Content-Length, chunked and close-delimited bodies through, re-framed', async () => {
    const cl = await routerRequest(port, 'cl.localhost', '/');
    expect(cl).toMatchObject({ status: 200, body: 'hello' });
    expect(cl.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const chunked = await routerRequest(port, 'chunked.localhost', '/');
    expect(chunked).toMatchObject({ status: 201, body: 'abcdef' });
    const close = await routerRequest(port, 'close.localhost', '/');
    expect(close).toMatchObject({ status: 200, body: 'until close' });
    expect(close.headers['transfer-encoding']).toBe('chunked');
    const big = await routerRequest(port, 'big.localhost', '/');
    expect(big.body.length).toBe(4_000_000);
    const head = await routerRequest(port, 'head.localhost', '/', { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('99');
  });

  it('answers 502 for a malformed response or a dropped connection, and 504 for a silent app', async () => {
    expect((await routerRequest(port, 'bad.localhost', '/')).status).toBe(502);
    expect((await routerRequest(port, 'rude.localhost', '/', { method: 'POST', body: 'x' })).status).toBe(502);
    const t0 = Date.now();
    const silent = await routerRequest(port, 'silent.localhost', '/');
    expect(silent.status).toBe(504);
    expect(silent.body).toContain('/var/log/silent.localhost.error.log');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('holds a request until a socket appears, within the wait', async () => {
    const pending = routerRequest(port, 'late.localhost', '/');
    await new Promise((r) => setTimeout(r, 500));
    await app('late', (c) => c.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate'));
    expect(await pending).toMatchObject({ status: 200, body: 'late' });
  });
});
