import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteOptions } from 'fastify';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ADMIN, asToken, createUser, type TestUser } from '../helpers/test-app.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

/**
 * Every route, fed garbage: bad JSON, wrong types, huge and strange values,
 * hostile path parameters. Whatever the input, the answer is a 4xx with a
 * readable JSON error — never a 500.
 */

const BODIES: { contentType: string; payload: string | Buffer }[] = [
  { contentType: 'application/json', payload: '{"unterminated": ' },
  { contentType: 'application/json', payload: '[]' },
  { contentType: 'application/json', payload: 'null' },
  { contentType: 'application/json', payload: '"just a string"' },
  { contentType: 'application/json', payload: JSON.stringify({ username: 123, password: ['x'], domain_name: { a: 1 }, workers: 'many', env: [1, 2], url: null, path: 5 }) },
  { contentType: 'application/json', payload: JSON.stringify({ domain_name: 'x'.repeat(100_000) }) },
  { contentType: 'application/json', payload: JSON.stringify({ domain_name: '\u0000\uFFFF\uD800', source_directory: '/home/\u0000', env: { '\u0000': '\uD800' } }) },
  { contentType: 'application/x-www-form-urlencoded', payload: 'workers=%ZZ&&&=&domain_name[]=x&env=%7B' },
  { contentType: 'multipart/form-data; boundary=x', payload: '--x\r\nContent-Disposition: form-data; name="content"\r\n\r\nunterminated' },
  { contentType: 'multipart/form-data', payload: 'no boundary' },
  { contentType: 'application/octet-stream', payload: Buffer.from([0, 1, 2, 255, 254]) },
];

const PARAM_VALUES = ['%00', '..%2F..%2Fetc', '%E0%A4%A', 'x'.repeat(3000), '-1', '1e309', '%F0%9F%92%A9'];

describe('malformed input on every route', () => {
  let app: App;
  let dataDir: string;
  let user: TestUser;
  const routes: { method: string; url: string }[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-fuzz-'));
    app = await buildApp({ runtime: new FakeRuntime(),
      config: loadConfig({ PYHOST_DATA: dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_PASSWORD_HASH_COST: '14' }),
      onRoute: (r: RouteOptions) => {
        for (const method of [r.method].flat()) // The API only: other paths are the dashboard's files.
        if (method !== 'HEAD' && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs')) routes.push({ method, url: r.url });
      },
    });
    await app.ready();
    user = await createUser(app);
    await app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: {} });
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function concrete(url: string, value: string): string {
    return url
      .replace(':username', user.username)
      .replace(':domain_name', value === 'keep' ? `${user.username}.localhost` : value)
      .replace(/:[a-z_]+/g, value === 'keep' ? '1' : value)
      .replace('*', value === 'keep' ? `home/${user.username}/x` : value);
  }

  it('never answers 500 to a bad body', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.method !== 'GET' && x.method !== 'DELETE')) {
      for (const body of BODIES) {
        const res = await app.inject({
          method: r.method as 'POST',
          url: concrete(r.url, 'keep'),
          headers: { ...asToken(user.token), 'content-type': body.contentType },
          payload: body.payload,
        });
        if (res.statusCode >= 500) failures.push(`${r.method} ${r.url} ${body.contentType}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400) expect(res.json().detail, `${r.method} ${r.url}`).toBeTruthy();
      }
    }
    expect(failures).toEqual([]);
  });

  it('never answers 500 to hostile path parameters or query strings', async () => {
    const failures: string[] = [];
    for (const r of routes) {
      for (const value of PARAM_VALUES) {
        const url = concrete(r.url, value) + (r.url.includes('tree') ? `?path=${value}` : '');
        const res = await app.inject({ method: r.method as 'GET', url, headers: asToken(user.token), payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
        if (res.statusCode >= 500) failures.push(`${r.method} ${url.slice(0, 120)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
