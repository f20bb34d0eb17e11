import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, uniqueName, type TestApp, type TestUser } from '../helpers/test-app.js';

// Logging in: the throttle that slows guessing without locking out the
// rightful user, and the dashboard's cookies over HTTPS (accounts, sessions
// and tokens: auth.test.ts).

describe('the login throttle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  function attempt(username: string, password: string, address: string, deviceCookie?: string) {
    return t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: address,
      headers: deviceCookie ? { cookie: deviceCookie } : {},
      payload: { username, password },
    });
  }

  async function deviceCookieOf(user: TestUser, address: string): Promise<string> {
    const res = await attempt(user.username, user.password, address);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'pyhost_device')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    return `pyhost_device=${cookie.value}`;
  }

  it('locks out the guesser at one address, not the rightful user at another', async () => {
    const teacher = await createUser(t.app);
    for (let i = 0; i < 5; i++) expect((await attempt(teacher.username, 'wrong-password', '10.1.0.1')).statusCode).toBe(401);
    const sixth = await attempt(teacher.username, 'wrong-password', '10.1.0.1');
    expect(sixth.statusCode).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(800);
    expect((await attempt(teacher.username, teacher.password, '10.1.0.1')).statusCode).toBe(429);
    expect((await attempt(teacher.username, teacher.password, '10.1.0.2')).statusCode).toBe(200);
  });

  it('lets a user in from the NAT address where others just failed five times', async () => {
    const student = await createUser(t.app);
    for (let i = 0; i < 5; i++) expect((await attempt(uniqueName(), 'wrong-password', '10.2.0.1')).statusCode).toBe(401);
    expect((await attempt(student.username, student.password, '10.2.0.1')).statusCode).toBe(200);
  });

  it('slows guessing spread over many addresses, except for the browser with the device cookie', async () => {
    const teacher = await createUser(t.app);
    const other = await createUser(t.app);
    const teachersLaptop = await deviceCookieOf(teacher, '10.3.0.1');
    const othersLaptop = await deviceCookieOf(other, '10.3.0.1');
    for (let i = 0; i < 5; i++) expect((await attempt(teacher.username, 'wrong-password', `10.3.1.${i}`)).statusCode).toBe(401);
    const refused = await attempt(teacher.username, teacher.password, '10.3.2.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect((await attempt(teacher.username, teacher.password, '10.3.2.1', othersLaptop)).statusCode).toBe(429);
    expect((await attempt(teacher.username, teacher.password, '10.3.2.1', `${teachersLaptop}x`)).statusCode).toBe(429);
    expect((await attempt(teacher.username, teacher.password, '10.3.2.1', teachersLaptop)).statusCode).toBe(200);
  });

  it('lets the browser with the device cookie in at the NAT address where someone guessed its password', async () => {
    const teacher = await createUser(t.app);
    const teachersLaptop = await deviceCookieOf(teacher, '10.4.0.1');
    for (let i = 0; i < 5; i++) expect((await attempt(teacher.username, 'wrong-password', '10.4.0.1')).statusCode).toBe(401);
    expect((await attempt(teacher.username, teacher.password, '10.4.0.1')).statusCode).toBe(429);
    expect((await attempt(teacher.username, teacher.password, '10.4.0.1', teachersLaptop)).statusCode).toBe(200);
  });

  it('still limits wrong passwords sent with the device cookie', async () => {
    const teacher = await createUser(t.app);
    const teachersLaptop = await deviceCookieOf(teacher, '10.5.0.1');
    for (let i = 0; i < 5; i++) {
      expect((await attempt(teacher.username, 'wrong-password', `10.5.1.${i}`, teachersLaptop)).statusCode).toBe(401);
    }
    expect((await attempt(teacher.username, teacher.password, '10.5.2.1', teachersLaptop)).statusCode).toBe(429);
    expect((await attempt(teacher.username, teacher.password, '10.5.2.1')).statusCode).toBe(200);
  });
});

// Behind HTTPS (the router's X-Forwarded-Proto) the dashboard's cookies carry
// the __Host- prefix, which a browser takes only from the dashboard's own host:
// no web app under the same domain can plant a session or a device cookie.
describe('dashboard cookies over HTTPS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const https = { 'x-forwarded-proto': 'https' };
  const loginOverHttps = (user: TestUser, address: string, cookie?: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: address, headers: { ...https, ...(cookie ? { cookie } : {}) }, payload: { username: user.username, password: user.password } });

  it('sets __Host- cookies (Secure, Path=/, no Domain) that work for later requests, and ignores the plain names', async () => {
    const user = await createUser(t.app);
    const res = await loginOverHttps(user, '10.9.0.1');
    expect(res.statusCode).toBe(200);
    expect(res.cookies.map((c) => c.name).sort()).toEqual(['__Host-pyhost_device', '__Host-pyhost_session']);
    for (const c of res.cookies) expect(c, c.name).toMatchObject({ secure: true, path: '/', httpOnly: true });
    expect(String(res.headers['set-cookie'])).not.toMatch(/domain=/i);
    const session = res.cookies.find((c) => c.name === '__Host-pyhost_session')!;
    const csrf = res.json<{ csrf_token: string }>().csrf_token;

    const me = await t.app.inject({ url: '/api/auth/me', headers: { ...https, cookie: `__Host-pyhost_session=${session.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe(user.username);
    const write = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { ...https, cookie: `__Host-pyhost_session=${session.value}`, 'x-csrf-token': csrf }, payload: { name: 'x' } });
    expect(write.statusCode).toBe(201);
    // Over HTTPS the plain name is what another host could have set: it does not count.
    expect((await t.app.inject({ url: '/api/auth/me', headers: { ...https, cookie: `pyhost_session=${session.value}` } })).statusCode).toBe(401);

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...https, cookie: `__Host-pyhost_session=${session.value}`, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((c) => c.name === '__Host-pyhost_session')).toMatchObject({ value: '', secure: true, path: '/' });
    expect((await t.app.inject({ url: '/api/auth/me', headers: { ...https, cookie: `__Host-pyhost_session=${session.value}` } })).statusCode).toBe(401);
  });

  it('reads the __Host- device cookie at login', async () => {
    const user = await createUser(t.app);
    const device = (await loginOverHttps(user, '10.9.1.1')).cookies.find((c) => c.name === '__Host-pyhost_device')!;
    for (let i = 0; i < 5; i++) {
      const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.9.1.2', headers: https, payload: { username: user.username, password: 'wrong-password' } });
      expect(wrong.statusCode).toBe(401);
    }
    expect((await loginOverHttps(user, '10.9.1.2')).statusCode).toBe(429);
    expect((await loginOverHttps(user, '10.9.1.2', `pyhost_device=${device.value}`)).statusCode).toBe(429);
    expect((await loginOverHttps(user, '10.9.1.2', `__Host-pyhost_device=${device.value}`)).statusCode).toBe(200);
  });

  it('keeps the plain names over HTTP', async () => {
    const user = await createUser(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: user.password } });
    expect(res.cookies.map((c) => c.name).sort()).toEqual(['pyhost_device', 'pyhost_session']);
  });
});
