import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_FIELDS, MAX_TARGET_BYTES } from '../../src/ingress/request-limits.js';
import { eventually } from '../helpers/eventually.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

// The router's request-head limits (request-limits.ts) against real apps
// under uWSGI and gunicorn: what it lets through, the app servers take at
// once; what they would choke on, it refuses itself. Before, a request with
// 150–310 small headers passed the router, uWSGI dropped it ("max vec size
// reached") and held its worker for 4 s.

/** Tells which server ran it, the path, and how many header fields reached it. */
const LIMITS_APP = `import json

def application(environ, start_response):
    fields = sorted(k for k in environ if k.startswith('HTTP_'))
    out = json.dumps({'server': environ.get('SERVER_SOFTWARE', ''), 'path': environ.get('PATH_INFO'), 'fields': fields}).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(out)))])
    return [out]
`;

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** One request written as raw bytes (exactly the fields given), answered on a connection the router then closes. */
function send(port: number, head: string): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 15 s')), 15_000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4), ms: performance.now() - t0 });
    });
    socket.write(head, 'latin1');
  });
}

/** `count` header fields in all, Host and Connection: close among them. */
function request(host: string, count: number, target = '/'): string {
  let head = `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (let i = 0; i < count - 2; i++) head += `X-Field-${String(i).padStart(3, '0')}: v\r\n`;
  return `${head}Connection: close\r\n\r\n`;
}

describe('request-head limits at the router, before real app servers', () => {
  let f: RouterFixture;
  const apps: Record<'uwsgi' | 'gunicorn', string> = { uwsgi: '', gunicorn: '' };

  beforeAll(async () => {
    f = await createRouterFixture();
    apps.uwsgi = await f.createApp('limits-uwsgi', LIMITS_APP);
    apps.gunicorn = await f.createApp('limits-gunicorn', LIMITS_APP);
    const switched = await f.api('PATCH', `${apps.gunicorn}/`, { server: 'gunicorn' });
    expect(switched.statusCode, switched.body).toBe(200);
    await eventually(async () => expect(JSON.parse((await f.request(apps.gunicorn)).body).server).toMatch(/^gunicorn/), { timeoutMs: 20_000, intervalMs: 50 });
  });
  afterAll(async () => {
    await f?.close();
  });

  describe.each(['uwsgi', 'gunicorn'] as const)('with %s', (server) => {
    it(`passes ${MAX_HEADER_FIELDS} header fields to the app, answered at once`, async () => {
      const a = await send(f.router.port, request(apps[server], MAX_HEADER_FIELDS));
      expect(a.status, a.body).toBe(200);
      const { fields } = JSON.parse(a.body) as { fields: string[] };
      expect(fields).toContain('HTTP_X_FIELD_000');
      expect(fields).toContain(`HTTP_X_FIELD_${String(MAX_HEADER_FIELDS - 3).padStart(3, '0')}`);
      expect(a.ms).toBeLessThan(2000);
    });

    it(`passes a ${MAX_TARGET_BYTES}-byte URL to the app, answered at once, and refuses a longer one with 414`, async () => {
      const longest = `/${'u'.repeat(MAX_TARGET_BYTES - 1)}`;
      const a = await send(f.router.port, request(apps[server], 2, longest));
      expect(a.status, a.body.slice(0, 300)).toBe(200);
      expect(JSON.parse(a.body).path).toBe(longest);
      expect(a.ms).toBeLessThan(2000);
      expect((await send(f.router.port, request(apps[server], 2, `${longest}u`))).status).toBe(414);
    });

    it(`answers 431 itself to ${MAX_HEADER_FIELDS + 1} header fields`, async () => {
      const a = await send(f.router.port, request(apps[server], MAX_HEADER_FIELDS + 1));
      expect(a.status).toBe(431);
      expect(a.ms).toBeLessThan(2000);
    });
  });

  it('answers another app at once after three requests with 150–310 header fields to one app', async () => {
    const floods = await Promise.all([150, 230, 310].map((count) => send(f.router.port, request(apps.uwsgi, count))));
    expect(floods.map((a) => a.status)).toEqual([431, 431, 431]);
    for (const host of [apps.gunicorn, apps.uwsgi]) {
      const normal = await send(f.router.port, request(host, 5));
      expect(normal.status).toBe(200);
      expect(normal.ms, `${host} answered in ${normal.ms.toFixed(0)} ms`).toBeLessThan(500);
    }
  });
});
