import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * GET /api/v0/user/{username}/cpu/ as PythonAnywhere's clients call it and
 * read it: pythonanywhere-core's `CPU.get_cpu_usage` (resources.py) GETs
 * the URL with the token header and hands `response.json()` to its caller,
 * whose documented fields (the API help page) are
 * `daily_cpu_limit_seconds` <int>, `daily_cpu_total_usage_seconds` <float>
 * and `next_reset_time` <isoformat>. Scripts in the wild then do
 * `used / limit * 100`, `datetime.fromisoformat(t.replace('T', ' ')).replace(tzinfo=utc)`
 * and `time.strptime(t, '%Y-%m-%dT%H:%M:%S.%f')`: a naive UTC time with a fraction.
 */
describe("PythonAnywhere's cpu/ endpoint against Pyhost", () => {
  let t: TestApp;
  let me: TestUser;
  const now = Date.parse('2026-12-01T19:00:00.000Z');

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_DAILY_CPU_SECONDS: '100' }, { clock: () => now });
    me = await createUser(t.app);
  });
  afterAll(async () => t.close());

  const getCpu = () => t.app.inject({ method: 'GET', url: `/api/v0/user/${me.username}/cpu/`, headers: asToken(me.token) });

  it("answers PythonAnywhere's three fields, typed as its clients parse them, with Pyhost's beside them", async () => {
    const res = await getCpu();
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['daily_cpu_limit_seconds', 'daily_cpu_total_usage_seconds', 'in_tarpit', 'next_reset_time', 'tarpit_cpus', 'webapp_cpu_seconds']);
    expect(body).toEqual({
      daily_cpu_limit_seconds: 100,
      daily_cpu_total_usage_seconds: 0,
      next_reset_time: '2026-12-02T00:00:00.000000',
      in_tarpit: false,
      webapp_cpu_seconds: 0,
      tarpit_cpus: 0.05,
    });
    expect(Number.isInteger(body.daily_cpu_limit_seconds)).toBe(true);
    // strptime('%Y-%m-%dT%H:%M:%S.%f') and a naive fromisoformat: no zone after the fraction.
    expect(body.next_reset_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it("counts the console's CPU, not the web app's, and says when the account is in the tarpit", async () => {
    const consoleRes = await t.app.inject({ method: 'POST', url: `/api/v0/user/${me.username}/consoles/`, headers: asToken(me.token), payload: { executable: 'bash' } });
    expect(consoleRes.statusCode, consoleRes.body).toBe(201);
    const webapp = await t.app.inject({ method: 'POST', url: `/api/v0/user/${me.username}/webapps/`, headers: asToken(me.token), payload: { domain_name: `${me.username}.localhost` } });
    expect(webapp.statusCode, webapp.body).toBe(201);
    await t.app.inject({ method: 'POST', url: `/api/v0/user/${me.username}/webapps/${me.username}.localhost/enable/`, headers: asToken(me.token) });
    const running = (await t.runtime.list(t.app.instanceId)).filter((c) => c.state === 'running' && c.labels.user === me.username);
    const consoleContainer = running.find((c) => c.labels.kind === 'console')!;
    const webappContainer = running.find((c) => c.labels.kind === 'webapp')!;
    t.runtime.setCpuUsage(consoleContainer.id, 123_456_789);
    t.runtime.setCpuUsage(webappContainer.id, 7_000_000);
    await t.app.services.cpu.sweep();

    const body = (await getCpu()).json();
    expect(body.daily_cpu_total_usage_seconds).toBeCloseTo(123.457, 3);
    expect(body.in_tarpit).toBe(true);
    expect(body.webapp_cpu_seconds).toBe(7);
    // What a monitoring script computes from it.
    expect((body.daily_cpu_total_usage_seconds / body.daily_cpu_limit_seconds) * 100).toBeGreaterThan(100);
  });

  it("takes the account's own allowance as an admin sets it (daily_cpu_seconds), 0 for none", async () => {
    const admin = await adminToken(t.app);
    const set = (value: number | null) =>
      t.app.inject({ method: 'PATCH', url: `/api/admin/users/${me.username}/limits`, headers: asToken(admin), payload: { daily_cpu_seconds: value } });
    const res = await set(500);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().overrides).toEqual({ daily_cpu_seconds: 500 });
    expect((await getCpu()).json()).toMatchObject({ daily_cpu_limit_seconds: 500, in_tarpit: false });
    await set(0);
    expect((await getCpu()).json()).toMatchObject({ daily_cpu_limit_seconds: 0, in_tarpit: false });
    expect((await set(-1)).statusCode).toBe(400);
    await set(null);
    expect((await getCpu()).json()).toMatchObject({ daily_cpu_limit_seconds: 100, in_tarpit: true });
  });

  it('answers 404 for an account that is not the caller\'s, as every v0 route', async () => {
    const other = await createUser(t.app);
    const res = await t.app.inject({ method: 'GET', url: `/api/v0/user/${other.username}/cpu/`, headers: asToken(me.token) });
    expect(res.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v0/user/${me.username}/cpu/` })).statusCode).toBe(401);
  });
});
