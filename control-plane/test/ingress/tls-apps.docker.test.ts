import type http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { createTestCa, writeTlsStore, type TestCa } from '../helpers/test-certs.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

// Web apps in real containers behind the router's HTTPS: the app is told
// that its request came over TLS, by header and in wsgi.url_scheme, under
// uWSGI and gunicorn alike.

const SCHEME_APP = `import json

def application(environ, start_response):
    out = json.dumps({'scheme': environ['wsgi.url_scheme'], 'proto': environ.get('HTTP_X_FORWARDED_PROTO'), 'server': environ.get('SERVER_SOFTWARE', '')}).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(out)))])
    return [out]
`;

describe('web apps over HTTPS', () => {
  let f: RouterFixture;
  let ca: TestCa;
  const apps: Record<'uwsgi' | 'gunicorn', string> = { uwsgi: '', gunicorn: '' };

  const get = (host: string, path = '/') =>
    new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: f.router.httpsPort!, servername: host, path, headers: { host }, ca: ca.cert, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      }).on('error', reject);
    });

  beforeAll(async () => {
    ca = createTestCa();
    f = await createRouterFixture({}, { httpsPort: 0 });
    const names = [`*.${f.user.username}.localhost`];
    writeTlsStore(f.t.dataDir, 1, [{ id: 'apps', names, ...ca.leaf(names) }]);
    apps.uwsgi = await f.createApp('scheme-uwsgi', SCHEME_APP);
    apps.gunicorn = await f.createApp('scheme-gunicorn', SCHEME_APP);
    const switched = await f.api('PATCH', `${apps.gunicorn}/`, { server: 'gunicorn' });
    expect(switched.statusCode, switched.body).toBe(200);
    await eventually(async () => expect(JSON.parse((await f.request(apps.gunicorn)).body).server).toMatch(/^gunicorn/), { timeoutMs: 20_000, intervalMs: 50 });
  });
  afterAll(async () => {
    await f?.close();
    ca?.close();
  });

  it.each(['uwsgi', 'gunicorn'] as const)('tells an app under %s that the request came over HTTPS', async (server) => {
    const res = await eventually(async () => {
      const r = await get(apps[server]);
      expect(r.status, r.body).toBe(200);
      return r;
    }, { intervalMs: 50 });
    expect(JSON.parse(res.body)).toMatchObject({ scheme: 'https', proto: 'https' });
    const plain = await f.request(apps[server]);
    expect(JSON.parse(plain.body)).toMatchObject({ scheme: 'http', proto: 'http' });
  });

  it('adds Strict-Transport-Security to a real app\'s answers over HTTPS once hsts_enabled is on, and never over plain HTTP', async () => {
    const domain = apps.uwsgi;
    expect((await get(domain)).headers['strict-transport-security']).toBeUndefined();
    const patched = await f.api('PATCH', `${domain}/`, { hsts_enabled: true });
    expect(patched.statusCode, patched.body).toBe(200);
    const res = await eventually(async () => {
      const r = await get(domain);
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
      return r;
    }, { intervalMs: 50 });
    expect(JSON.parse(res.body)).toMatchObject({ scheme: 'https' });
    expect((await f.request(domain)).headers['strict-transport-security']).toBeUndefined();
  });
});
