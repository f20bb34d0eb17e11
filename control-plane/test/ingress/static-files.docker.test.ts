import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { helloApp, writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

/** Static file mappings, served by the router from the user's own folders, in front of a real app. */
describe('static files through the router', () => {
  let f: RouterFixture;
  let domain: string;
  let outside: string;
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    f = await createRouterFixture();
    domain = await f.createApp('files', helloApp('from the app'));
    const home = userDirs(f.t.dataDir, f.user.username).home;
    const www = userDirs(f.t.dataDir, f.user.username).www;
    const put = (rel: string, content: string | Buffer, root = home) => writeAsUser(path.join(root, rel), content as string, f.uid);
    put('site/static/style.css', 'body { color: red }\n');
    put('site/static/data.bin', data);
    put('site/static/sub/page.html', '<p>sub</p>');
    // A file the user could not have made (root's, as if planted by a race): never served.
    fs.writeFileSync(path.join(home, 'site/static/roots.txt'), 'root:x:0:0\n');
    put('site/secret.txt', 'not mapped\n');
    put('shared.txt', 'from www\n', www);
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-outside-'));
    fs.writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n');
    fs.symlinkSync(path.join(outside, 'passwd'), path.join(home, 'site/static/out'));
    fs.symlinkSync('../secret.txt', path.join(home, 'site/static/in-home'));
    fs.symlinkSync(path.join(www, 'shared.txt'), path.join(home, 'site/static/to-www'));
    for (const [url, dir] of [['/static/', `/home/${f.user.username}/site/static`], ['/robots.txt', '/var/www/shared.txt']]) {
      const res = await f.api('POST', `${domain}/static_files/`, { url, path: dir });
      expect(res.statusCode, res.body).toBe(201);
    }
    // Both mappings: the router may pick up the first change before the second.
    await eventually(
      async () => {
        expect((await f.request(domain, '/static/style.css')).status).toBe(200);
        expect((await f.request(domain, '/robots.txt')).body).toBe('from www\n');
      },
      { timeoutMs: 2000, intervalMs: 20 },
    );
  });
  afterAll(async () => {
    await f?.close();
    if (outside) fs.rmSync(outside, { recursive: true, force: true });
  });

  it('serves files with their type and validators; everything else still goes to the app', async () => {
    const css = await f.request(domain, '/static/style.css?v=3');
    expect(css).toMatchObject({ status: 200, body: 'body { color: red }\n' });
    expect(css.headers).toMatchObject({ 'content-type': 'text/css; charset=utf-8', 'content-length': '20', 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff' });
    expect(css.headers.etag).toMatch(/^"[0-9a-f]+-14"$/);
    expect(new Date(css.headers['last-modified']!).getTime()).toBeGreaterThan(0);
    expect((await f.request(domain, '/static/sub/page.html')).headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await f.request(domain, '/static/data.bin')).headers['content-type']).toBe('application/octet-stream');
    expect((await f.request(domain, '/robots.txt')).body).toBe('from www\n');
    expect((await f.request(domain, '/other')).body).toBe('from the app');
    const head = await f.request(domain, '/static/style.css', { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe('20');
    expect((await f.request(domain, '/static/style.css', { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('answers 304 to a client that has the file already', async () => {
    const first = await f.request(domain, '/static/style.css');
    const etag = first.headers.etag!;
    const byTag = await f.request(domain, '/static/style.css', { headers: { 'If-None-Match': `"other", ${etag}` } });
    expect(byTag).toMatchObject({ status: 304, body: '' });
    expect(byTag.headers.etag).toBe(etag);
    expect((await f.request(domain, '/static/style.css', { headers: { 'If-Modified-Since': first.headers['last-modified']! } })).status).toBe(304);
    expect((await f.request(domain, '/static/style.css', { headers: { 'If-Modified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' } })).status).toBe(200);
    expect((await f.request(domain, '/static/style.css', { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
  });

  it('serves byte ranges', async () => {
    const bytes = async (range: string, extra: Record<string, string> = {}) => {
      const res = await f.request(domain, '/static/data.bin', { headers: { Range: range, ...extra } });
      return { ...res, raw: Buffer.from(res.body, 'utf8') };
    };
    const mid = await f.request(domain, '/static/data.bin', { headers: { Range: 'bytes=10-19' } });
    expect(mid.status).toBe(206);
    expect(mid.headers).toMatchObject({ 'content-range': 'bytes 10-19/1000', 'content-length': '10' });
    expect((await bytes('bytes=-5')).headers['content-range']).toBe('bytes 995-999/1000');
    expect((await bytes('bytes=990-')).headers['content-range']).toBe('bytes 990-999/1000');
    expect((await bytes('bytes=990-5000')).headers['content-length']).toBe('10');
    const beyond = await bytes('bytes=1000-1001');
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */1000');
    expect((await bytes('bytes=0-1,5-6')).status).toBe(200); // several ranges: the whole file
    expect((await bytes('bytes=0-1', { 'If-Range': '"not-the-etag"' })).status).toBe(200);
    const etag = (await f.request(domain, '/static/data.bin')).headers.etag!;
    expect((await bytes('bytes=0-1', { 'If-Range': etag })).status).toBe(206);
  });

  it('never lists folders or leaves the user\'s own folders', async () => {
    const probes = [
      '/static/sub/', '/static/sub', '/static/', // folders: no listings
      '/static/../secret.txt', '/static/%2e%2e/secret.txt', '/static/%2E%2E%2Fsecret.txt', '/static/..%2fsecret.txt', '/static/sub/..%2F..%2Fsecret.txt',
      '/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/static/..%5csecret.txt', '/static/style.css%00.png', '/static/%zz',
      '/static/out', // a symlink pointing out of the user's folders
      '/static/missing.css',
      '/static/style.css/', '/robots.txt/', // a file with a trailing slash (as nginx answers)
      '/static/roots.txt', // in the user's folder, but not the user's file
    ];
    for (const probe of probes) {
      const res = await f.request(domain, probe);
      expect(res.status, probe).toBe(404);
      expect(res.body, probe).not.toMatch(/not mapped|root:x|style\.css|page\.html/);
    }
    // Links that stay among the user's own folders are fine.
    expect((await f.request(domain, '/static/in-home')).body).toBe('not mapped\n');
    expect((await f.request(domain, '/static/to-www')).body).toBe('from www\n');
  });
});
