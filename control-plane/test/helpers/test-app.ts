import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp, type App } from '../../src/app.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

export const ADMIN = { username: 'root1', password: 'admin-password-1' };

export interface TestApp {
  app: App;
  config: Config;
  dataDir: string;
  /** The engine the app drives: a fake one, with stand-in gateways for web apps. */
  runtime: FakeRuntime;
  close(): Promise<void>;
}

/** Builds the app exactly as production does, on a fresh SQLite file in a temp dir. */
export async function createTestApp(env: Record<string, string> = {}, options: { clock?: () => number } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-test-'));
  const config = loadConfig({
    PYHOST_DATA: dataDir,
    PYHOST_ADMIN_USER: ADMIN.username,
    PYHOST_ADMIN_PASSWORD: ADMIN.password,
    // The lowest scrypt cost Pyhost allows: the tests hash hundreds of passwords (auth.test.ts checks the default's).
    PYHOST_PASSWORD_HASH_COST: '14',
    ...env,
  });
  const runtime = new FakeRuntime(options.clock);
  const app = await buildApp({ config, runtime, ...options });
  await app.ready();
  return {
    app,
    config,
    dataDir,
    runtime,
    async close() {
      await app.close();
      runtime.shutdown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function uniqueName(prefix = 'u'): string {
  return `${prefix}${crypto.randomBytes(4).toString('hex')}`;
}

/** A signed-in user with both kinds of credentials. */
export interface TestUser {
  username: string;
  password: string;
  cookie: string;
  csrf: string;
  token: string;
  tokenId: number;
}

export function sessionCookieOf(response: { cookies: { name: string; value: string }[] }): string {
  const c = response.cookies.find((x) => x.name === 'pyhost_session');
  if (!c) throw new Error('no session cookie in the response');
  return `pyhost_session=${c.value}`;
}

export async function login(app: App, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  return { cookie: sessionCookieOf(res), csrf: res.json<{ csrf_token: string }>().csrf_token };
}

/** Creates a user through the API (as the admin) and gives them a session and a token. */
export async function createUser(app: App, username = uniqueName()): Promise<TestUser> {
  const admin = await adminToken(app);
  const password = `pw-${username}-secret`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    headers: { authorization: `Token ${admin}` },
    payload: { username, password },
  });
  if (res.statusCode !== 201) throw new Error(`signup ${username}: ${res.statusCode} ${res.body}`);
  const { cookie, csrf } = await login(app, username, password);
  const tok = await app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: { name: 'tests' },
  });
  const { token, id } = tok.json<{ token: string; id: number }>();
  return { username, password, cookie, csrf, token, tokenId: id };
}

const adminTokens = new WeakMap<App, string>();

export async function adminToken(app: App): Promise<string> {
  const known = adminTokens.get(app);
  if (known) return known;
  const { cookie, csrf } = await login(app, ADMIN.username, ADMIN.password);
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: { name: 'admin tests' },
  });
  const token = res.json<{ token: string }>().token;
  adminTokens.set(app, token);
  return token;
}

export function asToken(token: string) {
  return { authorization: `Token ${token}` };
}

export function asCookie(user: { cookie: string; csrf: string }) {
  return { cookie: user.cookie, 'x-csrf-token': user.csrf };
}

/** A multipart body with one file in the field `content`, as PythonAnywhere's clients send it. */
export function multipart(content: string | Buffer, field = 'content') {
  const boundary = `----pyhost${crypto.randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="upload"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
