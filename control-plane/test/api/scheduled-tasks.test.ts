import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';


describe('scheduled tasks API and scheduler (fake engine, real SQLite)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  // 10:00:30 UTC: a test clock, moved by the tests; the scheduler is driven with tick(now).
  let now = Date.parse('2026-12-01T10:00:30.000Z');
  const base = (u: TestUser) => `/api/v0/user/${u.username}/schedule/`;
  const call = (u: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: asToken(u.token), ...(payload ? { payload } : {}) });
  const create = async (payload: object, u = alice) => {
    const res = await call(u, 'POST', base(u), payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const tick = () => t.app.services.tasks.scheduler.tick(now);
  const logOf = (u: TestUser, id: number) => fs.readFileSync(path.join(userDirs(t.dataDir, u.username).log, `tasklog-${id}.log`), 'utf8');
  const runsOf = async (id: number) => (await call(alice, 'GET', `${base(alice)}${id}/runs/`)).json();
  const runContainer = () => t.runtime.all().find((c) => c.labels.kind === 'scheduled_run' && c.state === 'running');

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_LIMIT_SCHEDULED_TASKS: '6', PYHOST_TASK_TIME_LIMIT_MINUTES: '90' }, { clock: () => now });
    alice = await createUser(t.app);
    bob = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('creates a daily task with PythonAnywhere\'s fields, and an hourly one with hour null', async () => {
    const daily = await create({ command: 'echo foo', enabled: true, interval: 'daily', hour: 16, minute: 5 });
    expect(daily).toMatchObject({
      url: `/api/v0/user/${alice.username}/schedule/${daily.id}/`, user: alice.username, command: 'echo foo', enabled: true, interval: 'daily', hour: 16, minute: 5,
      printable_time: '16:05', logfile: `/user/${alice.username}/files/var/log/tasklog-${daily.id}.log`, expiry: null, can_enable: true, extend_url: null,
      description: '', next_run: '2026-12-01T16:05:00.000Z', last_run: null,
    });
    const hourly = await create({ command: 'echo bar', interval: 'hourly', minute: 0 });
    expect(hourly).toMatchObject({ hour: null, printable_time: '00 minutes past', enabled: true, next_run: '2026-12-01T11:00:00.000Z' });
    const list = (await call(alice, 'GET', base(alice))).json();
    expect(list.map((x: { id: number }) => x.id)).toEqual([daily.id, hourly.id]);
    for (const id of [daily.id, hourly.id]) expect((await call(alice, 'DELETE', `${base(alice)}${id}/`)).statusCode).toBe(204);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const bad: [object, string][] = [
      [{ command: 'x', interval: 'daily', hour: 24, minute: 0 }, 'hour'],
      [{ command: 'x', interval: 'daily', hour: 1, minute: 60 }, 'minute'],
      [{ command: 'x', interval: 'weekly', minute: 1 }, 'interval'],
      [{ command: '', interval: 'hourly', minute: 1 }, 'command'],
      [{ command: 'echo \0', interval: 'hourly', minute: 1 }, 'command'],
      [{ command: 'x'.repeat(10_001), interval: 'hourly', minute: 1 }, 'command'],
      [{ command: 'x', interval: 'daily', minute: 1 }, 'hour'],
      [{ command: 'x', interval: 'hourly', hour: 3, minute: 1 }, 'hour'],
      [{ command: 'x', interval: 'hourly', minute: 1, colour: 'red' }, 'colour'],
      [{ interval: 'hourly', minute: 1 }, 'command'],
      [{ command: 'x', minute: 1 }, 'interval'],
    ];
    for (const [payload, field] of bad) {
      const res = await call(alice, 'POST', base(alice), payload);
      expect([res.statusCode, res.json().field], JSON.stringify(payload).slice(0, 80)).toEqual([400, field]);
      expect(res.json().detail).toEqual(expect.any(String));
    }
    expect((await call(alice, 'GET', base(alice))).json()).toEqual([]);
  });

  it('applies PythonAnywhere\'s hour rules on update; PATCH and PUT change only what is given', async () => {
    const task = await create({ command: 'echo a', interval: 'hourly', minute: 7 });
    const url = `${base(alice)}${task.id}/`;
    const hourOnHourly = await call(alice, 'PATCH', url, { hour: 23 });
    expect([hourOnHourly.statusCode, hourOnHourly.json().detail]).toEqual([400, 'Hourly tasks must not have an hour.']);
    expect((await call(alice, 'PATCH', url, { interval: 'daily' })).json().field).toBe('hour');
    const daily = (await call(alice, 'PUT', url, { interval: 'daily', hour: 9 })).json();
    expect(daily).toMatchObject({ interval: 'daily', hour: 9, minute: 7, command: 'echo a', printable_time: '09:07' });
    expect((await call(alice, 'PATCH', url, { minute: 30 })).json()).toMatchObject({ hour: 9, minute: 30 });
    expect((await call(alice, 'PATCH', url, { interval: 'hourly' })).json()).toMatchObject({ interval: 'hourly', hour: null, printable_time: '30 minutes past' });
    expect((await call(alice, 'PATCH', url, { enabled: false })).json()).toMatchObject({ enabled: false, next_run: null });
    expect((await call(alice, 'PATCH', url, { minute: 61 })).json().field).toBe('minute');
    expect((await call(alice, 'GET', url)).json()).toMatchObject({ minute: 30, enabled: false });
    expect((await call(alice, 'DELETE', url)).statusCode).toBe(204);
    const gone = await call(alice, 'GET', url);
    expect([gone.statusCode, gone.json().detail]).toEqual([404, `no scheduled task ${task.id}`]);
  });

  it("answers another user's task as not found", async () => {
    const task = await create({ command: 'echo mine', interval: 'hourly', minute: 1 });
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await call(bob, method, `${base(bob)}${task.id}/`, method === 'PATCH' ? { minute: 2 } : undefined);
      expect(res.statusCode, method).toBe(404);
    }
    expect((await call(alice, 'DELETE', `${base(alice)}${task.id}/`)).statusCode).toBe(204);
  });

  it('runs at its minute, records exit code and duration, skips an overlapping run, and kills one past the time limit', async () => {
    const task = await create({ command: 'python3 /home/x/send.py --daily', interval: 'hourly', minute: 15 });
    now = Date.parse('2026-12-01T10:14:59.000Z');
    await tick();
    expect(runContainer()).toBeUndefined();
    now = Date.parse('2026-12-01T10:15:00.000Z');
    await tick();
    const c = runContainer()!;
    expect(c.labels.workload).toBe((await runsOf(task.id))[0].id);
    now += 3_000;
    t.runtime.simulateExit(c.id, 0);
    const [ok] = await eventually(async () => {
      const runs = await runsOf(task.id);
      if (runs[0]?.outcome !== 'ok') throw new Error('not ended yet');
      return runs;
    });
    expect(ok).toMatchObject({ trigger: 'schedule', due_at: '2026-12-01T10:15:00.000Z', exit_code: 0, outcome: 'ok' });
    expect(ok.duration_seconds).toBeGreaterThanOrEqual(0);
    await eventually(() => expect(t.runtime.get(c.id)).toBeUndefined());
    expect(logOf(alice, task.id)).toMatch(/run \d+ started \(schedule, due 10:15\): python3 \/home\/x\/send.py --daily\n.*run \d+ ended: exit code 0 after/s);

    now = Date.parse('2026-12-01T11:15:00.000Z');
    await tick();
    const long = runContainer()!;
    // 12:15 is due while the 11:15 run goes on: skipped, not doubled.
    now = Date.parse('2026-12-01T12:15:00.000Z');
    await tick();
    const [skipped] = await runsOf(task.id);
    expect(skipped).toMatchObject({ outcome: 'skipped', started_at: null, detail: `run ${long.labels.workload} still going` });
    expect(t.runtime.all().filter((x) => x.labels.kind === 'scheduled_run' && x.state === 'running')).toHaveLength(1);
    expect(logOf(alice, task.id)).toContain(`skipped: run ${long.labels.workload} still going`);
    now = Date.parse('2026-12-01T12:44:59.000Z');
    await tick();
    expect(t.runtime.get(long.id)?.state).toBe('running');
    now = Date.parse('2026-12-01T12:45:00.000Z');
    await tick();
    const killed = (await runsOf(task.id)).find((r: { id: number }) => r.id === long.labels.workload);
    expect(killed).toMatchObject({ outcome: 'killed', exit_code: 137, detail: 'killed after the 90-minute time limit', duration_seconds: 5400 });
    expect(t.runtime.get(long.id)).toBeUndefined();
    expect(logOf(alice, task.id)).toContain('killed after the 90-minute time limit');

    now = Date.parse('2026-12-01T13:15:00.000Z');
    await tick();
    const third = runContainer()!;
    expect((await call(alice, 'DELETE', `${base(alice)}${task.id}/`)).statusCode).toBe(204);
    expect(t.runtime.get(third.id)).toBeUndefined();
  });

  it('catches up once, and says so, when due minutes passed while the control plane was down', async () => {
    now = Date.parse('2026-12-01T14:00:00.000Z');
    const task = await create({ command: 'echo hi', interval: 'hourly', minute: 20 });
    now = Date.parse('2026-12-01T17:40:00.000Z');
    await tick();
    await tick();
    const runs = await runsOf(task.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'catch_up', due_at: '2026-12-01T17:20:00.000Z', outcome: 'running' });
    expect(logOf(alice, task.id)).toContain('catching up: the 17:20 run was missed while Pyhost was down; 3 earlier missed runs are not replayed');
    expect((await call(alice, 'GET', `${base(alice)}${task.id}/`)).json()).toMatchObject({ next_run: '2026-12-01T18:20:00.000Z', last_run: { id: runs[0].id } });
    expect((await call(alice, 'DELETE', `${base(alice)}${task.id}/`)).statusCode).toBe(204);
  });

  it('Run now: 202 with the run, 409 while it goes; disabled tasks and disabled accounts do not run by schedule', async () => {
    const task = await create({ command: 'echo now', interval: 'hourly', minute: 50, enabled: false });
    const run = await call(alice, 'POST', `${base(alice)}${task.id}/run/`);
    expect([run.statusCode, run.json().trigger, run.json().outcome]).toEqual([202, 'run_now', 'running']);
    const again = await call(alice, 'POST', `${base(alice)}${task.id}/run/`);
    expect([again.statusCode, again.json().detail]).toEqual([409, expect.stringContaining('still going')]);
    t.runtime.simulateExit(runContainer()!.id, 2);
    await eventually(async () => expect((await runsOf(task.id))[0]).toMatchObject({ outcome: 'failed', exit_code: 2 }));
    now = Date.parse('2026-12-01T18:50:00.000Z');
    await tick();
    expect(await runsOf(task.id)).toHaveLength(1);
    expect((await call(alice, 'DELETE', `${base(alice)}${task.id}/`)).statusCode).toBe(204);
  });

  it('a run whose container cannot start ends failed, with why in the run and the log; the task stays', async () => {
    const task = await create({ command: 'echo never', interval: 'hourly', minute: 51 });
    t.runtime.failNextStart('no such image');
    const run = await call(alice, 'POST', `${base(alice)}${task.id}/run/`);
    expect([run.statusCode, run.json().outcome, run.json().detail]).toEqual([202, 'failed', expect.stringContaining('could not start')]);
    expect(logOf(alice, task.id)).toMatch(/run \d+ failed: could not start: .*\n.*run \d+ ended: exit code unknown/);
    expect((await call(alice, 'GET', `${base(alice)}${task.id}/`)).json().last_run).toMatchObject({ outcome: 'failed' });
    expect(t.runtime.all().filter((c) => c.labels.kind === 'scheduled_run')).toEqual([]);
    expect((await call(alice, 'DELETE', `${base(alice)}${task.id}/`)).statusCode).toBe(204);
  });

  it('refuses a task over the limit with a 409 naming it', async () => {
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await create({ command: `echo ${i}`, interval: 'hourly', minute: i }, bob));
    const res = await call(bob, 'POST', base(bob), { command: 'echo 7', interval: 'hourly', minute: 7 });
    expect([res.statusCode, res.json().detail]).toEqual([409, expect.stringContaining('limit scheduled_tasks')]);
    for (const task of made) await call(bob, 'DELETE', `${base(bob)}${task.id}/`);
  });
});

describe('task log routes', () => {
  let t: TestApp;
  let alice: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t.app);
  });
  afterAll(() => t.close());

  it("reads a task's log like a web app's: files, tail and download; never another user's", async () => {
    const task = (await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/schedule/`, headers: asToken(alice.token), payload: { command: 'echo hi', interval: 'hourly', minute: 3 } })).json();
    const url = `/api/v0/user/${alice.username}/schedule/${task.id}/log/`;
    expect((await t.app.inject({ url, headers: asToken(alice.token) })).json()).toEqual({ file: `tasklog-${task.id}.log`, lines: [], truncated: false, offset: 0 });
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/schedule/${task.id}/run/`, headers: asToken(alice.token) })).statusCode).toBe(202);
    const tail = (await t.app.inject({ url: `${url}?lines=5`, headers: asToken(alice.token) })).json();
    expect(tail.lines).toEqual([expect.stringMatching(/UTC run \d+ started \(run now\): echo hi$/)]);
    const files = (await t.app.inject({ url: `${url}files/`, headers: asToken(alice.token) })).json();
    expect(files).toMatchObject([{ name: `tasklog-${task.id}.log`, rotation: 0, compressed: false }]);
    const download = await t.app.inject({ url: `${url}download/`, headers: asToken(alice.token) });
    expect([download.statusCode, download.headers['content-disposition']]).toEqual([200, `attachment; filename="tasklog-${task.id}.log"`]);
    const bob = await createUser(t.app);
    expect((await t.app.inject({ url: `/api/v0/user/${bob.username}/schedule/${task.id}/log/`, headers: asToken(bob.token) })).statusCode).toBe(404);
  });
});

describe('task logs rotated, and disabled accounts', () => {
  let t: TestApp;
  let alice: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ PYHOST_TASK_LOG_MAX_MB: '1' });
    alice = await createUser(t.app);
  });
  afterAll(() => t.close());
  const call = (method: 'GET' | 'POST' | 'PATCH', rest: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v0/user/${alice.username}${rest}`, headers: asToken(alice.token), ...(payload ? { payload } : {}) });

  it('rotates a task log past PYHOST_TASK_LOG_MAX_MB before a run, as web-app logs are (.1, then .2.gz)', async () => {
    const task = (await call('POST', '/schedule/', { command: 'echo hi', interval: 'hourly', minute: 3 })).json();
    const log = path.join(userDirs(t.dataDir, alice.username).log, `tasklog-${task.id}.log`);
    for (let i = 0; i < 2; i++) {
      fs.writeFileSync(log, 'x'.repeat(1024 * 1024 + 1));
      if (process.getuid?.() === 0) fs.chownSync(log, (await t.app.inject({ url: '/api/auth/me', headers: asToken(alice.token) })).json().uid, 0);
      expect((await call('POST', `/schedule/${task.id}/run/`)).statusCode).toBe(202);
      t.runtime.simulateExit(t.runtime.all().find((c) => c.labels.kind === 'scheduled_run' && c.state === 'running')!.id, 0);
      await eventually(async () => expect((await call('GET', `/schedule/${task.id}/runs/`)).json()[0].outcome).toBe('ok'));
    }
    const files = (await call('GET', `/schedule/${task.id}/log/files/`)).json();
    expect(files.map((f: { name: string }) => f.name)).toEqual([`tasklog-${task.id}.log`, `tasklog-${task.id}.log.1`, `tasklog-${task.id}.log.2.gz`]);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/^\d{4}-.* run \d+ started \(run now\): echo hi\n/);
  });

  it("rotates a running always-on task's log in place: copied to .1, the live file emptied for its writer", async () => {
    const ao = (await call('POST', '/always_on/', { command: 'sleep infinity' })).json();
    const log = path.join(userDirs(t.dataDir, alice.username).log, `alwayson-log-${ao.id}.log`);
    const writer = fs.openSync(log, 'a');
    fs.writeSync(writer, 'y'.repeat(1024 * 1024 + 1));
    await t.app.services.reconciler.trigger();
    expect(fs.statSync(`${log}.1`).size).toBeGreaterThan(1024 * 1024);
    expect(fs.statSync(log).size).toBe(0);
    fs.writeSync(writer, 'after\n');
    fs.closeSync(writer);
    expect(fs.readFileSync(log, 'utf8')).toBe('after\n');
    expect((await call('GET', `/always_on/${ao.id}/log/files/`)).json().map((f: { rotation: number }) => f.rotation)).toEqual([0, 1]);
  });

  it("stops a disabled account's always-on task and running run, and runs nothing of it by schedule", async () => {
    const ao = (await call('POST', '/always_on/', { command: 'sleep infinity' })).json();
    const task = (await call('POST', '/schedule/', { command: 'sleep 100', interval: 'hourly', minute: 4 })).json();
    expect((await call('POST', `/schedule/${task.id}/run/`)).statusCode).toBe(202);
    const userId = t.app.stores.users.byUsername(alice.username)!.id;
    t.app.db.prepare("UPDATE users SET disabled_at = ?, disabled_reason = 'admin' WHERE id = ?").run(new Date().toISOString(), userId);
    await t.app.services.reconciler.trigger();
    expect(t.runtime.all().filter((c) => c.labels.user === alice.username && c.state === 'running')).toEqual([]);
    expect(t.app.stores.taskRuns.latest(task.id)).toMatchObject({ outcome: 'killed', detail: 'stopped: the account is disabled' });
    expect(t.app.services.tasks.alwaysOn.now(t.app.stores.alwaysOn.byId(ao.id)!, t.app.stores.users.byId(userId)!).state).toBe('stopped');
  });
});
