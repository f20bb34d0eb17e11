import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ADMIN, asCookie, asToken, createTestApp, createUser, login, sessionCookieOf, uniqueName, type TestApp } from '../helpers/test-app.js';
import { databaseFile, userDirs } from '../../src/domain/layout.js';
import { LOGIN_LIMITS } from '../../src/services/accounts/login-throttle.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

describe('accounts (sign-up closed)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses anonymous sign-up with a message that says why', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: { username: 'mallory', password: 'password123' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/closed/);
  });

  it('lets the admin from the environment create accounts, with folders owned by the new uid', async () => {
    const user = await createUser(t.app);
    const me = await t.app.inject({ url: '/api/auth/me', headers: asToken(user.token) });
    expect(me.statusCode).toBe(200);
    const { uid, username, is_admin } = me.json();
    expect(username).toBe(user.username);
    expect(is_admin).toBe(false);
    expect(uid).toBeGreaterThanOrEqual(10000);
    const dirs = userDirs(t.dataDir, user.username);
    for (const dir of [dirs.home, dirs.www, dirs.log]) {
      const stat = fs.statSync(dir);
      expect(stat.isDirectory()).toBe(true);
      if (process.getuid?.() === 0) expect(stat.uid).toBe(uid);
    }
  });

  it('gives every user a different uid', async () => {
    const a = await createUser(t.app);
    const b = await createUser(t.app);
    const uidOf = async (token: string) => (await t.app.inject({ url: '/api/auth/me', headers: asToken(token) })).json().uid;
    expect(await uidOf(a.token)).not.toBe(await uidOf(b.token));
  });

  it('stores passwords with scrypt (OWASP\'s N = 2^17 unless configured) and tokens only as SHA-256', async () => {
    const prod = await createTestApp({ PYHOST_PASSWORD_HASH_COST: '' });
    const user = await createUser(prod.app);
    const db = new Database(databaseFile(prod.dataDir), { readonly: true });
    try {
      const row = db.prepare('SELECT password_hash FROM users WHERE username = ?').get(user.username) as { password_hash: string };
      expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect((await createUser(t.app)).password).toBeTruthy();
      const fast = new Database(databaseFile(t.dataDir), { readonly: true });
      expect((fast.prepare('SELECT password_hash FROM users ORDER BY id DESC LIMIT 1').get() as { password_hash: string }).password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      fast.close();
      expect(row.password_hash).not.toContain(user.password);
      const tokens = db.prepare('SELECT token_hash FROM api_tokens').all() as { token_hash: string }[];
      expect(tokens.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
      expect(tokens.some((r) => r.token_hash === user.token)).toBe(false);
    } finally {
      db.close();
      await prod.close();
    }
  });

  it('validates usernames and passwords', async () => {
    const admin = await login(t.app, ADMIN.username, ADMIN.password);
    const cases: [unknown, string][] = [
      [{ username: 'A', password: 'password123' }, 'username'],
      [{ username: '1abc', password: 'password123' }, 'username'],
      [{ username: 'ab-c', password: 'password123' }, 'username'],
      [{ username: 'a'.repeat(31), password: 'password123' }, 'username'],
      [{ username: 'www', password: 'password123' }, 'username'],
      [{ username: uniqueName(), password: 'short' }, 'password'],
      [{ username: uniqueName() }, 'password'],
      [{ username: uniqueName(), password: 'password123', extra: 1 }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/signup', headers: asCookie(admin), payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      if (field) expect(res.json().field).toBe(field);
      expect(res.json().detail.length).toBeGreaterThan(5);
    }
  });

  it('answers malformed JSON with 400 and a body of the wrong type with 415', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": ' });
    expect(bad.statusCode).toBe(400);
    const text = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(text.statusCode).toBe(415);
  });

  it('refuses a taken username with 409', async () => {
    const user = await createUser(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: asCookie(await login(t.app, ADMIN.username, ADMIN.password)),
      payload: { username: user.username, password: 'password123' },
    });
    expect(res.statusCode).toBe(409);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie; Secure only behind HTTPS', async () => {
    const user = await createUser(t.app);
    const plain = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: user.password } });
    const cookie = plain.cookies.find((c) => c.name === 'pyhost_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
  });

  it('logs in, answers /me, logs out and forgets the session', async () => {
    const user = await createUser(t.app);
    const session = await login(t.app, user.username, user.password);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: asCookie(session) });
    expect(out.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it('rejects a wrong password with 401 and the same message as an unknown user', async () => {
    const user = await createUser(t.app);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'nope-nope-nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: uniqueName(), password: 'nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('answers the 6th failed login for a username within 15 minutes with 429 and Retry-After', async () => {
    const user = await createUser(t.app);
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `127.0.1.${i + 1}`,
        payload: { username: user.username, password: 'wrong-password' },
      });
      expect(res.statusCode).toBe(401);
    }
    const sixth = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '127.0.1.9',
      payload: { username: user.username, password: user.password },
    });
    expect(sixth.statusCode).toBe(429);
    const retry = Number(sixth.headers['retry-after']);
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
  });

  // Five failures used to lock a whole address (a school's one NAT address);
  // the limit per address is now far higher, and the guesses arrive together.
  it('answers failed logins from one address past its limit with 429, whatever the usernames', async () => {
    const spray = await Promise.all(
      Array.from({ length: LOGIN_LIMITS.perAddress }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '127.0.2.1',
          payload: { username: uniqueName(), password: 'wrong-password' },
        }),
      ),
    );
    expect(spray.map((res) => res.statusCode)).toEqual(spray.map(() => 401));
    const next = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '127.0.2.1',
      payload: { username: uniqueName(), password: 'wrong-password' },
    });
    expect(next.statusCode).toBe(429);
    expect(next.headers['retry-after']).toBeDefined();
  }, 180_000); // a hundred scrypt hashes on two cores

  it('requires the CSRF token for cookie-authenticated writes, but not for API tokens', async () => {
    const user = await createUser(t.app);
    const noCsrf = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { cookie: user.cookie }, payload: { name: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    const badCsrf = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { cookie: user.cookie, 'x-csrf-token': 'forged' }, payload: { name: 'x' } });
    expect(badCsrf.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: asCookie(user), payload: { name: 'x' } });
    expect(ok.statusCode).toBe(201);
    const byToken = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: asToken(user.token), payload: { name: 'y' } });
    expect(byToken.statusCode).toBe(201);
  });

  it('refuses writes whose Origin is another site', async () => {
    const user = await createUser(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { ...asCookie(user), origin: 'http://evil.example', host: 'localhost:8080' },
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(403);
    const same = await t.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { ...asCookie(user), origin: 'http://localhost:8080', host: 'localhost:8080' },
      payload: { name: 'x' },
    });
    expect(same.statusCode).toBe(201);
  });

  it('shows a token once, lists it without the secret, and revokes it', async () => {
    const user = await createUser(t.app);
    const created = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: asCookie(user), payload: { name: 'deploy script' } });
    const { id, token } = created.json();
    expect(token.length).toBeGreaterThanOrEqual(22); // 128 bits in base64url
    const list = await t.app.inject({ url: '/api/auth/tokens', headers: asToken(token) });
    expect(list.json().map((x: { name: string }) => x.name)).toContain('deploy script');
    expect(list.body).not.toContain(token);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: asCookie(user) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: asToken(token) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: asCookie(user) })).statusCode).toBe(404);
  });

  it("cannot revoke another user's token", async () => {
    const a = await createUser(t.app);
    const b = await createUser(t.app);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${a.tokenId}`, headers: asToken(b.token) });
    expect(res.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/auth/me', headers: asToken(a.token) })).statusCode).toBe(200);
  });

  it('says how to authenticate when the header is malformed', async () => {
    const res = await t.app.inject({ url: '/api/auth/tokens', headers: { authorization: 'Bearer abc' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/Token/);
  });
});

describe('accounts (sign-up open)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PYHOST_SIGNUP: 'open' });
  });
  afterAll(() => t.close());

  it('signs a person up and logs them in', async () => {
    const username = uniqueName();
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: { username, password: 'password123' } });
    expect(res.statusCode).toBe(201);
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: sessionCookieOf(res) } });
    expect(me.json().username).toBe(username);
  });

  it('accepts form-encoded bodies too', async () => {
    const username = uniqueName();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${username}&password=password123`,
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('the admin from the environment', () => {
  it('gets its password reset at start-up when it changes', async () => {
    const t = await createTestApp();
    try {
      await t.app.close();
      const { buildApp } = await import('../../src/app.js');
      const { loadConfig } = await import('../../src/config.js');
      const again = await buildApp({ runtime: new FakeRuntime(),
        config: loadConfig({ PYHOST_DATA: t.dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: 'a-new-password' }),
      });
      const oldPw = await again.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: ADMIN.password } });
      const newPw = await again.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'a-new-password' } });
      expect(oldPw.statusCode).toBe(401);
      expect(newPw.statusCode).toBe(200);
      expect(newPw.json().is_admin).toBe(true);
      await again.close();
    } finally {
      fs.rmSync(t.dataDir, { recursive: true, force: true });
    }
  });
});
