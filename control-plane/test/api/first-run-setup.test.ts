import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { databaseFile } from '../../src/domain/layout.js';
import { asCookie, sessionCookieOf, uniqueName } from '../helpers/test-app.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

/** The first run of an instance started without PYHOST_ADMIN_*: nothing is open but the one-time setup. */

const dirs: string[] = [];
const apps: App[] = [];

/** Builds the app like production with a logger that keeps its lines, so the test reads the token from the log. */
async function firstRun(env: Record<string, string> = {}, dataDir?: string) {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-setup-'));
  if (!dataDir) dirs.push(dir);
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const app = await buildApp({ runtime: new FakeRuntime(), config: loadConfig({ PYHOST_DATA: dir, ...env }), logger: { level: 'info', stream } });
  await app.ready();
  apps.push(app);
  const tokenLine = lines.find((l) => l.includes('setup token'));
  const token = tokenLine ? /setup token: (\S+)/.exec(JSON.parse(tokenLine).msg as string)?.[1] : undefined;
  return { app, dir, token, lines };
}

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const setup = (app: App, payload: object) => app.inject({ method: 'POST', url: '/api/auth/setup', payload });

describe('first run without a configured admin', () => {
  it('prints a one-time token in the log and stores only its hash', async () => {
    const { app, dir, token } = await firstRun();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await app.inject({ url: '/api/auth/setup' })).json()).toEqual({ required: true });
    const db = new Database(databaseFile(dir), { readonly: true });
    try {
      const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
      expect(rows.some((r) => r.value.includes(token!))).toBe(false);
      expect(rows.find((r) => r.key === 'setup_token_sha256')?.value).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      db.close();
    }
  });

  it('keeps sign-up closed: nobody gets in without the token', async () => {
    const { app } = await firstRun();
    const signup = await app.inject({ method: 'POST', url: '/api/auth/signup', payload: { username: 'mallory', password: 'password123' } });
    expect(signup.statusCode).toBe(403);
    const wrong = await setup(app, { token: 'not-the-token', username: 'mallory', password: 'password123' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().detail).toMatch(/setup token/);
    const missing = await setup(app, { username: 'mallory', password: 'password123' });
    expect(missing.statusCode).toBe(400);
  });

  it('creates exactly one admin, logged in at once, and then the token is spent', async () => {
    const { app, token } = await firstRun();
    const username = uniqueName('adm');
    const res = await setup(app, { token, username, password: 'first-admin-pw' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username, is_admin: true });
    const cookie = sessionCookieOf(res);
    const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ username, is_admin: true });

    const again = await setup(app, { token, username: uniqueName('adm'), password: 'second-admin-pw' });
    expect(again.statusCode).toBe(409);
    expect((await app.inject({ url: '/api/auth/setup' })).json()).toEqual({ required: false });

    // The new admin can now create accounts as usual.
    const csrf = me.json().csrf_token as string;
    const created = await app.inject({ method: 'POST', url: '/api/auth/signup', headers: asCookie({ cookie, csrf }), payload: { username: uniqueName(), password: 'password123' } });
    expect(created.statusCode).toBe(201);
  });

  it('lets only one of two simultaneous setups win', async () => {
    const { app, token } = await firstRun();
    const results = await Promise.all([
      setup(app, { token, username: uniqueName('a'), password: 'first-admin-pw' }),
      setup(app, { token, username: uniqueName('b'), password: 'first-admin-pw' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  it('validates the admin it creates and keeps the token after a refused attempt', async () => {
    const { app, token } = await firstRun();
    const bad = await setup(app, { token, username: 'Bad Name', password: 'first-admin-pw' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('username');
    const ok = await setup(app, { token, username: uniqueName('adm'), password: 'first-admin-pw' });
    expect(ok.statusCode).toBe(201);
  });

  it('replaces the token at each start and prints none once an account exists', async () => {
    const first = await firstRun();
    await first.app.close();
    apps.splice(apps.indexOf(first.app), 1);
    const second = await firstRun({}, first.dir);
    expect(second.token).toBeDefined();
    expect(second.token).not.toBe(first.token);
    expect((await setup(second.app, { token: first.token, username: uniqueName('adm'), password: 'first-admin-pw' })).statusCode).toBe(403);
    expect((await setup(second.app, { token: second.token, username: uniqueName('adm'), password: 'first-admin-pw' })).statusCode).toBe(201);
    await second.app.close();
    apps.splice(apps.indexOf(second.app), 1);
    const third = await firstRun({}, first.dir);
    expect(third.token).toBeUndefined();
    expect(third.lines.some((l) => l.includes('setup token'))).toBe(false);
  });

  it('prints no token when the admin comes from the environment', async () => {
    const { app, token } = await firstRun({ PYHOST_ADMIN_USER: 'boss', PYHOST_ADMIN_PASSWORD: 'boss-password' });
    expect(token).toBeUndefined();
    expect((await app.inject({ url: '/api/auth/setup' })).json()).toEqual({ required: false });
    expect((await setup(app, { token: 'anything', username: uniqueName('adm'), password: 'first-admin-pw' })).statusCode).toBe(409);
  });
});
