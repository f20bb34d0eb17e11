import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { formatAccessLine, type AccessEntry } from '../../src/ingress/access-log.js';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

const MINUTE = 60_000;

/** A line exactly as the router writes it. */
function line(timeMs: number, status: number, durationMs: number, url = '/'): string {
  const entry: AccessEntry = {
    ip: '127.0.0.1', user: undefined, time: timeMs, method: 'GET', url, httpVersion: '1.1', status, bytes: 12,
    referer: undefined, userAgent: 'test "agent"', durationMs, requestId: 'r1',
  };
  return formatAccessLine(entry);
}

describe('web app usage API (Pyhost’s own)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let domain: string;
  let logDir: string;
  // Whole minutes, so that the buckets the test expects do not move under it.
  let now = Math.floor(Date.now() / MINUTE) * MINUTE + 30_000;
  const usage = (query = '', u: TestUser = alice, d = domain) => t.app.inject({ url: `/api/v0/user/${u.username}/webapps/${d}/usage/${query}`, headers: asToken(u.token) });
  const accessLog = (suffix = '') => path.join(logDir, `${domain}.access.log${suffix}`);

  beforeAll(async () => {
    t = await createTestApp({}, { clock: () => now });
    alice = await createUser(t.app);
    bob = await createUser(t.app);
    domain = `${alice.username}.localhost`;
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/webapps/`, headers: asToken(alice.token), payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    logDir = userDirs(t.dataDir, alice.username).log;
  });
  afterAll(() => t.close());

  it('counts the last hour’s requests per minute by status class, with p50 and p99, from the live and the rotated log', async () => {
    // The rotated file: one line from two hours ago (outside), two in the hour.
    fs.writeFileSync(accessLog('.1'), line(now - 120 * MINUTE, 200, 1) + line(now - 50 * MINUTE, 200, 10) + line(now - 50 * MINUTE, 503, 30));
    // The live file: 100 answers this minute with response times 1…100 ms, three 404s and a redirect a minute ago,
    // a note of the router's, and a line still being written (no newline yet).
    let live = line(now - 59 * MINUTE, 302, 5);
    for (let i = 1; i <= 3; i++) live += line(now - MINUTE, 404, 2);
    live += '[pyhost] 3 access log lines were dropped: the log could not be written fast enough\n';
    for (let i = 1; i <= 100; i++) live += line(now, 200, i);
    live += line(now, 500, 1).slice(0, 40);
    fs.writeFileSync(accessLog(), live);

    const res = await usage('?period=hour');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ period: 'hour', bucket_seconds: 60, access_log_complete: true });
    expect(body.buckets).toHaveLength(60);
    expect(body.totals).toEqual({ requests: 106, '2xx': 101, '3xx': 1, '4xx': 3, '5xx': 1 });
    const last = body.buckets[59];
    expect(Date.parse(last.start)).toBe(now - 30_000);
    expect(last.requests).toEqual({ '2xx': 100, '3xx': 0, '4xx': 0, '5xx': 0 });
    expect(last).toMatchObject({ p50_ms: 50, p99_ms: 99 });
    expect(body.buckets[58].requests['4xx']).toBe(3);
    expect(body.buckets[9].requests).toEqual({ '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 1 });
    expect(body.buckets[0].requests['3xx']).toBe(1);
    expect(body.buckets[30]).toMatchObject({ requests: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, p50_ms: null, p99_ms: null });
  });

  it('answers the day in 96 buckets of 15 minutes, the line from two hours ago included', async () => {
    const body = (await usage('?period=day')).json();
    expect(body).toMatchObject({ period: 'day', bucket_seconds: 900 });
    expect(body.buckets).toHaveLength(96);
    expect(body.totals.requests).toBe(107);
    expect(Date.parse(body.end) - Date.parse(body.start)).toBe(24 * 60 * MINUTE);
  });

  it('shows the app container’s CPU and memory per minute from the CPU sweep, a new container’s from its start', async () => {
    const containerOf = async () => (await t.runtime.list(t.app.instanceId)).find((c) => c.state === 'running' && c.labels.kind === 'webapp' && c.labels.user === alice.username)!;
    const first = await containerOf();
    t.runtime.setCpuUsage(first.id, 1_000_000);
    t.runtime.setMemoryUsage(first.id, 40 * 1024 * 1024);
    await t.app.services.cpu.sweep();
    now += MINUTE;
    t.runtime.setCpuUsage(first.id, 3_500_000);
    t.runtime.setMemoryUsage(first.id, 50 * 1024 * 1024);
    await t.app.services.cpu.sweep();

    // A new container for the app: the disable and enable of someone who changed a setting.
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/webapps/${domain}/disable/`, headers: asToken(alice.token) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/webapps/${domain}/enable/`, headers: asToken(alice.token) })).statusCode).toBe(200);
    const second = await containerOf();
    expect(second.id).not.toBe(first.id);
    t.runtime.setCpuUsage(second.id, 250_000);
    await t.app.services.cpu.sweep();

    const body = (await usage()).json();
    const [before, last] = [body.buckets[58], body.buckets[59]];
    // The first reading of a container started while the api ran counts from zero.
    expect(before).toMatchObject({ cpu_seconds: 1, memory_bytes: 40 * 1024 * 1024 });
    expect(last.cpu_seconds).toBeCloseTo(2.75, 3);
    expect(last.memory_bytes).toBe(50 * 1024 * 1024);
    expect(body.buckets[10]).toMatchObject({ cpu_seconds: null, memory_bytes: null });
  });

  it('marks the reloads and (re)starts the gateway logged in the period, from the live and the rotated server log', async () => {
    const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
    const serves = (ms: number, reason: string) => `${stamp(ms)}: [pyhost] ${reason}: uwsgi #2 (pid 12) serves app.sock after 104 ms\n`;
    const serverLog = (suffix = '') => path.join(logDir, `${domain}.server.log${suffix}`);
    fs.writeFileSync(serverLog('.1'), serves(now - 3 * 60 * MINUTE, 'reload') + serves(now - 40 * MINUTE, 'start'));
    fs.writeFileSync(serverLog(), [
      serves(now - 30 * MINUTE, 'restart'),
      `${stamp(now - 20 * MINUTE)}: [pyhost] reload: starting uwsgi\n`,
      serves(now - 20 * MINUTE, 'reload'),
      `${stamp(now - 10 * MINUTE)}: hello from the app's print()\n`,
      serves(now - 5 * MINUTE, 'auto-reload (/home/x/app.py)'),
    ].join(''));
    const body = (await usage()).json();
    expect(body.markers).toEqual([
      { at: new Date(now - 40 * MINUTE).toISOString(), kind: 'restart' },
      { at: new Date(now - 30 * MINUTE).toISOString(), kind: 'restart' },
      { at: new Date(now - 20 * MINUTE).toISOString(), kind: 'reload' },
      { at: new Date(now - 5 * MINUTE).toISOString(), kind: 'reload' },
    ]);
    expect((await usage('?period=day')).json().markers).toHaveLength(5);
  });

  it('never reads through a link planted in place of the access log: no requests, never the target’s', async () => {
    const target = path.join(userDirs(t.dataDir, bob.username).home, 'bob.access.log');
    fs.writeFileSync(target, line(now, 200, 1).repeat(50));
    fs.rmSync(accessLog());
    fs.rmSync(accessLog('.1'));
    fs.symlinkSync(target, accessLog());
    fs.symlinkSync(target, accessLog('.1'));
    const serverLog = path.join(logDir, `${domain}.server.log`);
    const bobsServerLog = path.join(userDirs(t.dataDir, bob.username).home, 'bob.server.log');
    fs.writeFileSync(bobsServerLog, `${new Date(now).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23)}: [pyhost] reload: uwsgi #2 (pid 1) serves app.sock after 1 ms\n`);
    fs.rmSync(serverLog);
    fs.rmSync(`${serverLog}.1`);
    fs.symlinkSync(bobsServerLog, serverLog);
    const res = await usage();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().totals.requests).toBe(0);
    expect(res.json().markers).toEqual([]);
    fs.rmSync(accessLog());
    fs.rmSync(accessLog('.1'));
    // No log at all (a new app): no requests either.
    expect((await usage()).json().totals.requests).toBe(0);
  });

  it('answers 404 for another user’s app and an unknown one, and 400 for an unknown period', async () => {
    expect((await usage('', bob)).statusCode).toBe(404);
    expect((await usage('', alice, `nope.${alice.username}.localhost`)).statusCode).toBe(404);
    expect((await usage('?period=week')).statusCode).toBe(400);
  });
});
