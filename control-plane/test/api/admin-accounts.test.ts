import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EGRESS_ALLOW } from '../../src/domain/egress.js';
import { ADMIN, adminToken, asToken, createTestApp, createUser, login, uniqueName, type TestApp, type TestUser } from '../helpers/test-app.js';

// The Admin page's accounts: list, create one or many, change, reset a
// password, disable and enable, and the expiry sweep, on a real SQLite
// file and the fake engine. Deleting and archives: admin-deletion.test.ts.

const DAY = 86_400_000;

describe('admin accounts', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let now = Date.now();
  beforeAll(async () => {
    t = await createTestApp({ PYHOST_LIMIT_WEBAPPS: '5' }, { clock: () => now });
    admin = asToken(await adminToken(t.app));
  });
  afterAll(() => t.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = admin) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const users = async (query = '') => (await inject('GET', `/api/admin/users${query}`)).json<{ users: { username: string }[] }>().users.map((u) => u.username);
  const createApp = async (u: TestUser, name = 'www') => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/webapps/`, headers: asToken(u.token), payload: { domain_name: `${name}.${u.username}.localhost` } });
    expect(res.statusCode, res.body).toBe(201);
  };
  const running = (username: string) => t.runtime.all().filter((c) => c.labels.user === username && c.labels.kind === 'webapp' && c.state === 'running');
  const me = (token: string) => t.app.inject({ url: '/api/auth/me', headers: asToken(token) });

  it('lists accounts, searched by part of the name and sorted', async () => {
    const prefix = uniqueName('ls');
    for (const s of ['b', 'a', 'c']) expect((await inject('POST', '/api/admin/users', { username: `${prefix}${s}` })).statusCode).toBe(201);
    expect(await users(`?search=${prefix}`)).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
    expect(await users(`?search=${prefix.toUpperCase()}&sort=username&order=desc`)).toEqual([`${prefix}c`, `${prefix}b`, `${prefix}a`]);
    expect(await users(`?search=${prefix}&sort=created_at`)).toEqual([`${prefix}b`, `${prefix}a`, `${prefix}c`]);
    const all = (await inject('GET', '/api/admin/users')).json().users;
    expect(all.find((u: { username: string }) => u.username === ADMIN.username)).toMatchObject({ is_admin: true, disabled: false, webapps: [], consoles: 0 });
    expect((await inject('GET', '/api/admin/users?sort=colour')).statusCode).toBe(400);
  });

  it("counts each account's web apps, consoles and tasks (scheduled and always-on)", async () => {
    const u = await createUser(t.app);
    const as = asToken(u.token);
    await createApp(u, 'counted');
    const scheduled = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/schedule/`, headers: as, payload: { command: 'echo hi', interval: 'hourly', minute: 5, enabled: false } });
    expect(scheduled.statusCode, scheduled.body).toBe(201);
    const always = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/always_on/`, headers: as, payload: { command: 'sleep 600', enabled: false } });
    expect(always.statusCode, always.body).toBe(201);
    const listed = (await inject('GET', `/api/admin/users?search=${u.username}`)).json().users;
    expect(listed).toEqual([expect.objectContaining({ username: u.username, webapps: [`counted.${u.username}.localhost`], consoles: 0, tasks: 2 })]);
  });

  it('creates an account with a generated password, shown once, that logs in', async () => {
    const username = uniqueName('cr');
    const res = await inject('POST', '/api/admin/users', { username, is_teacher: true });
    expect(res.statusCode, res.body).toBe(201);
    const { user, password } = res.json();
    expect(user).toMatchObject({ username, is_teacher: true, is_admin: false, teacher: null, disabled: false });
    expect(password).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}$/);
    await login(t.app, username, password);
    // A chosen password is not echoed back.
    const chosen = await inject('POST', '/api/admin/users', { username: uniqueName('cr'), password: 'chosen-password-1', teacher: username });
    expect(chosen.statusCode, chosen.body).toBe(201);
    expect(chosen.json().password).toBeUndefined();
    expect(chosen.json().user.teacher).toBe(username);
    expect((await inject('POST', '/api/admin/users', { username })).statusCode).toBe(409);
    const bad = await inject('POST', '/api/admin/users', { username: 'Not Valid' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('username');
  });

  describe('many at once', () => {
    it('creates 30 from a CSV with a header, passwords generated where the list has none', async () => {
      const prefix = uniqueName('cl');
      const lines = Array.from({ length: 30 }, (_, i) => (i % 2 ? `${prefix}${i},own-password-${i}` : `${prefix}${i}`));
      const res = await inject('POST', '/api/admin/users/bulk', { text: `username,password\r\n${lines.join('\r\n')}\r\n`, expires_at: new Date(now + 30 * DAY).toISOString() });
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json().created as { username: string; password: string; generated: boolean }[];
      expect(created).toHaveLength(30);
      expect(created[1]).toEqual({ username: `${prefix}1`, password: 'own-password-1', generated: false });
      expect(created[0]!.generated).toBe(true);
      await login(t.app, created[0]!.username, created[0]!.password);
      expect(await users(`?search=${prefix}`)).toHaveLength(30);
    });

    it('reports duplicate, taken and invalid lines one by one, and creates nothing', async () => {
      const prefix = uniqueName('dp');
      const taken = await createUser(t.app);
      const text = [`${prefix}a`, `${prefix}b`, `${prefix}a`, taken.username, 'Bad Name', `${prefix}c,short`, `${prefix}d`].join('\n');
      const res = await inject('POST', '/api/admin/users/bulk', { text });
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json();
      expect(body.detail).toContain('no account was created');
      expect(body.lines.map((l: { line: number }) => l.line)).toEqual([3, 4, 5, 6]);
      expect(body.lines[0]).toMatchObject({ text: `${prefix}a`, error: expect.stringContaining('line 1') });
      expect(body.lines[1].error).toContain('taken');
      expect(await users(`?search=${prefix}`)).toEqual([]);
    });

    it('refuses more than 500 accounts (501), and an empty list', async () => {
      const text = Array.from({ length: 501 }, (_, i) => `big${i}`).join('\n');
      const res = await inject('POST', '/api/admin/users/bulk', { text });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field: 'text', detail: expect.stringContaining('at most 500') });
      expect((await inject('POST', '/api/admin/users/bulk', { text: '\n# nobody\n' })).json().field).toBe('text');
      expect(await users('?search=big')).toEqual([]);
    });
  });

  it('changes flags, teacher and expiry; never takes the last admin role', async () => {
    const u = await createUser(t.app);
    const teacher = (await inject('POST', '/api/admin/users', { username: uniqueName('te'), is_teacher: true })).json().user.username;
    const res = await inject('PATCH', `/api/admin/users/${u.username}`, { is_admin: true, teacher, expires_at: '2999-01-01' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ is_admin: true, teacher, expires_at: '2999-01-01T00:00:00.000Z' });
    expect((await inject('PATCH', `/api/admin/users/${u.username}`, { is_admin: false, teacher: null, expires_at: null })).json())
      .toMatchObject({ is_admin: false, teacher: null, expires_at: null });
    expect((await inject('PATCH', `/api/admin/users/${u.username}`, { teacher: u.username })).statusCode).toBe(400);
    expect((await inject('PATCH', `/api/admin/users/${u.username}`, { expires_at: '2001-01-01' })).json().field).toBe('expires_at');
    // The only admin: not their own role, and not by another admin either.
    const self = await inject('PATCH', `/api/admin/users/${ADMIN.username}`, { is_admin: false });
    expect(self.statusCode).toBe(409);
    expect(self.json().detail).toContain('your own account');
    expect((await inject('PATCH', '/api/admin/users/nobodyhere', { is_admin: true })).statusCode).toBe(404);
  });

  it('the last admin cannot be un-made, disabled or deleted by another admin', async () => {
    const second = await createUser(t.app);
    await inject('PATCH', `/api/admin/users/${second.username}`, { is_admin: true });
    // Two admins: one may take the other's role. Then second is the last one, and keeps it.
    const asFresh = asToken(second.token);
    expect((await inject('PATCH', `/api/admin/users/${ADMIN.username}`, { is_admin: false }, asFresh)).statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['PATCH', `/api/admin/users/${second.username}`, { is_admin: false }],
      ['POST', `/api/admin/users/${second.username}/disable`, undefined],
      ['DELETE', `/api/admin/users/${second.username}`, { confirm: second.username, files: 'erase' }],
    ] as const) {
      const res = await inject(method, url, payload, asFresh);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(409);
    }
    expect((await inject('PATCH', `/api/admin/users/${ADMIN.username}`, { is_admin: true }, asFresh)).statusCode).toBe(200);
  });

  it('resetting a password ends every session and token of the account', async () => {
    const u = await createUser(t.app);
    expect((await me(u.token)).statusCode).toBe(200);
    const res = await inject('POST', `/api/admin/users/${u.username}/password`, {});
    expect(res.statusCode, res.body).toBe(200);
    const { password } = res.json();
    expect(typeof password).toBe('string');
    expect((await me(u.token)).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: u.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: u.password } })).statusCode).toBe(401);
    await login(t.app, u.username, password);
    const chosen = await inject('POST', `/api/admin/users/${u.username}/password`, { password: 'brand-new-password' });
    expect(chosen.json()).toEqual({});
    await login(t.app, u.username, 'brand-new-password');
    expect((await inject('POST', `/api/admin/users/${u.username}/password`, { password: 'x' })).json().field).toBe('password');
  });

  it('disabling stops the web apps and refuses login and tokens; enabling starts them again', async () => {
    const u = await createUser(t.app);
    await createApp(u, 'one');
    await createApp(u, 'two');
    expect(running(u.username)).toHaveLength(2);
    const res = await inject('POST', `/api/admin/users/${u.username}/disable`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ disabled: true, disabled_reason: 'admin', webapps: [`one.${u.username}.localhost`, `two.${u.username}.localhost`] });
    expect(running(u.username)).toEqual([]);
    expect((await me(u.token)).statusCode).toBe(401);
    const denied = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: u.username, password: u.password } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toContain('disabled');
    // Disabling again changes nothing.
    expect((await inject('POST', `/api/admin/users/${u.username}/disable`)).statusCode).toBe(200);
    const enabled = await inject('POST', `/api/admin/users/${u.username}/enable`);
    expect(enabled.json()).toMatchObject({ disabled: false, disabled_reason: null });
    expect(running(u.username)).toHaveLength(2);
    await login(t.app, u.username, u.password);
  });

  it('an admin cannot disable their own account', async () => {
    const res = await inject('POST', `/api/admin/users/${ADMIN.username}/disable`);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('your own account');
  });

  it('the expiry sweep disables accounts past their date (their apps stop), and enabling removes the date', async () => {
    const username = uniqueName('ex');
    const made = await inject('POST', '/api/admin/users', { username, password: 'workshop-password', expires_at: new Date(now + DAY).toISOString() });
    expect(made.statusCode, made.body).toBe(201);
    const u = await createUser(t.app);
    await createApp(u);
    await inject('PATCH', `/api/admin/users/${u.username}`, { expires_at: new Date(now + 2 * DAY).toISOString() });
    expect(await t.app.services.accountState.sweepExpired()).toEqual([]);
    now += 3 * DAY;
    expect((await t.app.services.accountState.sweepExpired()).sort()).toEqual([username, u.username].sort());
    const row = (await inject('GET', `/api/admin/users?search=${u.username}`)).json().users[0];
    expect(row).toMatchObject({ disabled: true, disabled_reason: 'expired' });
    expect(running(u.username)).toEqual([]);
    const denied = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'workshop-password' } });
    expect(denied.statusCode).toBe(403);
    expect((await inject('POST', `/api/admin/users/${u.username}/enable`)).json()).toMatchObject({ disabled: false, expires_at: null });
    expect(running(u.username)).toHaveLength(1);
    expect(await t.app.services.accountState.sweepExpired()).toEqual([]);
  });

  it('sign-up mode: read and changed, refused when unknown', async () => {
    // Egress is off by default; its allowlist setting: egress-settings.test.ts.
    const egress = { egress: 'none', egress_allow: [...DEFAULT_EGRESS_ALLOW].sort() };
    expect((await inject('GET', '/api/admin/settings')).json()).toEqual({ signup: 'closed', custom_domains: false, ...egress });
    expect((await inject('PATCH', '/api/admin/settings', { signup: 'invite' })).json()).toEqual({ signup: 'invite', custom_domains: false, ...egress });
    const bad = await inject('PATCH', '/api/admin/settings', { signup: 'sometimes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('signup');
    expect((await inject('GET', '/api/admin/settings')).json()).toEqual({ signup: 'invite', custom_domains: false, ...egress });
  });
});
