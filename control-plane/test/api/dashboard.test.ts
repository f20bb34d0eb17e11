import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('the dashboard, served by the api', () => {
  let t: TestApp;
  let dist: string;

  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-dist-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Pyhost</title><script type="module" src="/assets/app-abc123.js"></script>');
    fs.writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), 'console.log("app")');
    fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
    fs.writeFileSync(path.join(dist, '.env'), 'SECRET=1');
    t = await createTestApp({ PYHOST_DASHBOARD_DIR: dist });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('answers the SPA’s own routes with index.html and a strict Content-Security-Policy', async () => {
    for (const url of ['/', '/web/alice.localhost', '/files/home/alice/my%20site/app.py', '/login?next=/web']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body).toContain('<title>Pyhost</title>');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves built files, hashed assets cached for good', async () => {
    const js = await t.app.inject({ url: '/assets/app-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ url: '/favicon.svg' })).headers['content-type']).toContain('image/svg+xml');
    expect((await t.app.inject({ url: '/assets/missing-123.js' })).statusCode).toBe(404);
  });

  it('never serves dotfiles or anything outside the build', async () => {
    for (const url of ['/.env', '/assets/../.env', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd']) {
      const res = await t.app.inject({ url });
      expect(res.body, url).not.toContain('SECRET=1');
      expect(res.body, url).not.toContain('root:x:0:0');
    }
  });

  it('leaves /api/ alone: unknown API paths are JSON 404s, not the SPA', async () => {
    const res = await t.app.inject({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'Not Found' });
    expect((await t.app.inject({ url: '/api/health' })).json().status).toBe('ok');
  });

  it('says how to build the dashboard when it has not been built', async () => {
    const bare = await createTestApp({ PYHOST_DASHBOARD_DIR: path.join(dist, 'nowhere') });
    try {
      const res = await bare.app.inject({ url: '/web' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});

describe('GET /api/instance', () => {
  it('tells anyone the sign-up mode and base domain', async () => {
    const t = await createTestApp({ PYHOST_SIGNUP: 'open', PYHOST_DOMAIN: 'py.example.org' });
    try {
      const res = await t.app.inject({ url: '/api/instance' });
      expect(res.json()).toEqual({ signup: 'open', domain: 'py.example.org' });
    } finally {
      await t.close();
    }
  });
});
