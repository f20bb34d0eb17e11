import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARPIT_NANO_CPUS } from '../../src/domain/cpu-allowance.js';
import { userDirs } from '../../src/domain/layout.js';
import { createDockerTestApp, docker, newUser, writeAsUser, type DockerTestApp } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken, type TestUser } from '../helpers/test-app.js';

/**
 * Appends "<unix time> <iterations so far>" to progress.txt about five times
 * a second while it counts as fast as its CPU share lets it: its rate is
 * the CPU it gets.
 */
const BURN = [
  'import time',
  'n = 0',
  'last = time.time()',
  "with open('progress.txt', 'a', buffering=1) as f:",
  '    while True:',
  '        for _ in range(2000):',
  '            n += 1',
  '        now = time.time()',
  '        if now - last >= 0.2:',
  "            f.write(f'{now:.3f} {n}\\n')",
  '            last = now',
  '',
].join('\n');

interface Point { t: number; n: number }

/**
 * The daily CPU allowance on the real engine: an always-on task that burns
 * CPU for an account with a 4-second allowance crosses it within seconds;
 * from then on it runs (still alive) at the tarpit's share, measurably
 * slower than before and than the same task of an account without a limit
 * running at the same time. Under the allowance again (the reset's rule;
 * the reset itself, on a moved clock, is test/unit/cpu-meter.test.ts's) its
 * containers get their normal limit back in place. Sampled every second
 * (PYHOST_CPU_SAMPLE_SECONDS).
 */
describe('the CPU tarpit on the real Docker Engine', () => {
  let t: DockerTestApp;
  let slow: { user: TestUser; uid: number };
  let free: { user: TestUser; uid: number };

  const call = (user: TestUser, method: 'GET' | 'POST', rest: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v0/user/${user.username}${rest}`, headers: asToken(user.token), ...(payload ? { payload } : {}) });
  const progress = (user: TestUser): Point[] => {
    const file = path.join(userDirs(t.dataDir, user.username).home, 'progress.txt');
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    return text.split('\n').filter((l) => /^\d+\.\d+ \d+$/.test(l)).map((l) => {
      const [time, n] = l.split(' ');
      return { t: Number(time) * 1000, n: Number(n) };
    });
  };
  /** Iterations per second between the first and the last point inside [from, to] (ms). */
  const rate = (points: Point[], from: number, to: number): number => {
    const inside = points.filter((p) => p.t >= from && p.t <= to);
    if (inside.length < 2) throw new Error(`only ${inside.length} progress lines between ${from} and ${to}`);
    const a = inside[0]!;
    const b = inside[inside.length - 1]!;
    return (b.n - a.n) / ((b.t - a.t) / 1000);
  };
  const taskContainer = async (user: TestUser) => {
    const [c] = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, 'io.pyhost.kind=always_on', `io.pyhost.user=${user.username}`] } });
    if (!c) throw new Error(`no always-on container of ${user.username}`);
    return docker.getContainer(c.Id).inspect();
  };

  beforeAll(async () => {
    await eventually(() => docker.ping(), { timeoutMs: 30_000, what: 'the Docker Engine' });
    t = await createDockerTestApp({ PYHOST_DAILY_CPU_SECONDS: '4', PYHOST_CPU_SAMPLE_SECONDS: '1' });
    slow = await newUser(t.app);
    free = await newUser(t.app);
    t.app.services.limits.setFor(free.user.username, { daily_cpu_seconds: 0 });
    for (const { user, uid } of [slow, free]) writeAsUser(path.join(userDirs(t.dataDir, user.username).home, 'burn.py'), BURN, uid);
  }, 120_000);
  afterAll(async () => t?.close(), 120_000);

  it('slows a task past the allowance down to the tarpit without stopping it, starts a new console there, and gives both their CPU back under the allowance', async () => {
    for (const { user } of [slow, free]) {
      const res = await call(user, 'POST', '/always_on/', { command: 'python3 burn.py' });
      expect(res.statusCode, res.body).toBe(201);
    }
    const started = Date.now();

    // The sweep that sees the account over 4 s lowers its task's limit in place.
    const tarpitted = await eventually(async () => {
      const info = await taskContainer(slow.user);
      if (info.HostConfig.NanoCpus !== TARPIT_NANO_CPUS) throw new Error(`NanoCpus is ${info.HostConfig.NanoCpus}`);
      return { at: Date.now(), id: info.Id };
    }, { timeoutMs: 120_000, intervalMs: 100, what: 'the task in the tarpit' });
    const cpu = (await call(slow.user, 'GET', '/cpu/')).json();
    expect(cpu).toMatchObject({ daily_cpu_limit_seconds: 4, in_tarpit: true });
    expect(cpu.daily_cpu_total_usage_seconds).toBeGreaterThanOrEqual(4);

    // Six seconds of both at the same time, from half a second after the change.
    const from = tarpitted.at + 500;
    const to = from + 6000;
    await eventually(() => {
      for (const { user } of [slow, free]) {
        const last = progress(user).at(-1);
        if (!last || last.t < to) throw new Error(`${user.username}'s progress has not reached the end of the window`);
      }
    }, { timeoutMs: 60_000, intervalMs: 250, what: 'six seconds of progress after the tarpit' });
    const throttled = rate(progress(slow.user), from, to);
    const unthrottled = rate(progress(free.user), from, to);
    // Before: from its first line until a second before the sweep that changed it could have begun.
    const before = rate(progress(slow.user), started, tarpitted.at - 1500);
    const ratio = throttled / unthrottled;
    console.info(`CPU tarpit: throttled ${throttled.toFixed(0)}/s, unthrottled ${unthrottled.toFixed(0)}/s (ratio ${ratio.toFixed(3)}), the same task before ${before.toFixed(0)}/s (ratio ${(throttled / before).toFixed(3)})`);
    expect(ratio).toBeLessThan(0.5);
    expect(throttled / before).toBeLessThan(0.5);

    // Still alive, still the same container, still making progress.
    const info = await taskContainer(slow.user);
    expect([info.Id, info.State.Running]).toEqual([tarpitted.id, true]);
    const [task] = (await call(slow.user, 'GET', '/always_on/')).json();
    expect(task.state).toBe('running');
    const n = progress(slow.user).at(-1)!.n;
    await eventually(() => expect(progress(slow.user).at(-1)!.n).toBeGreaterThan(n), { timeoutMs: 20_000, what: 'more progress in the tarpit' });

    // The account without a limit was never touched.
    expect((await taskContainer(free.user)).HostConfig.NanoCpus).toBe(t.config.appLimits.nanoCpus);
    expect((await call(free.user, 'GET', '/cpu/')).json()).toMatchObject({ daily_cpu_limit_seconds: 0, in_tarpit: false });

    // A new console of the tarpitted account is created in the tarpit.
    const console1 = await call(slow.user, 'POST', '/consoles/', { executable: 'bash' });
    expect(console1.statusCode, console1.body).toBe(201);
    const consoles = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, 'io.pyhost.kind=console', `io.pyhost.user=${slow.user.username}`] } });
    expect(consoles).toHaveLength(1);
    const created = await t.inspected.get(consoles[0]!.Id);
    expect(created?.HostConfig.NanoCpus).toBe(TARPIT_NANO_CPUS);

    // Out again in place, as at 00:00 UTC, once the account is under its allowance (here: a raised one).
    t.app.services.limits.setFor(slow.user.username, { daily_cpu_seconds: 100_000 });
    await eventually(async () => {
      const now = await taskContainer(slow.user);
      expect([now.Id, now.HostConfig.NanoCpus]).toEqual([tarpitted.id, t.config.appLimits.nanoCpus]);
      expect((await docker.getContainer(consoles[0]!.Id).inspect()).HostConfig.NanoCpus).toBe(t.config.appLimits.nanoCpus);
    }, { timeoutMs: 30_000, intervalMs: 200, what: 'the normal CPU limit back' });
    expect((await call(slow.user, 'GET', '/cpu/')).json()).toMatchObject({ daily_cpu_limit_seconds: 100_000, in_tarpit: false });
  }, 300_000);
});
