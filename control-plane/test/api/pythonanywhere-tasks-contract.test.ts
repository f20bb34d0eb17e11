import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

/**
 * What PythonAnywhere's clients do with scheduled tasks, as they do it:
 * pythonanywhere-core `pythonanywhere_core/schedule.py` (Schedule: create
 * expects 201, get_specs 200, update is a PATCH expecting 200, delete 204,
 * get_list a JSON array) and helper_scripts `pythonanywhere/task.py` (Task:
 * the fields update_specs copies, and update_schedule's rules for `hour`,
 * ported line for line below), `cli/schedule.py` (`pa schedule get
 * --logfile` strips /user/<u>/files from logfile). Always-on tasks as
 * PythonAnywhere's API page lists them.
 */

type Specs = Record<string, unknown>;

/** helper_scripts' Task.update_schedule: the body it PATCHes for `params`, given the task's specs. */
function updateScheduleBody(task: Specs, params: Specs): Specs {
  const specs: Specs = { command: task.command, enabled: task.enabled, interval: task.interval, hour: task.hour, minute: task.minute, ...params };
  if (specs.interval !== 'daily' || (params.interval === 'daily' && task.hour) || params.hour === task.hour) delete specs.hour;
  if (params.minute === task.minute) delete specs.minute;
  return specs;
}

const TASK_FIELDS = ['can_enable', 'command', 'enabled', 'expiry', 'extend_url', 'hour', 'id', 'interval', 'logfile', 'minute', 'printable_time', 'url', 'user'];

describe("PythonAnywhere's clients against schedule/ and always_on/", () => {
  let t: TestApp;
  let u: TestUser;
  const base = () => `/api/v0/user/${u.username}/schedule/`;
  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, json?: Specs) =>
    t.app.inject({ method, url, headers: { ...asToken(u.token), ...(json ? { 'content-type': 'application/json' } : {}) }, ...(json ? { payload: JSON.stringify(json) } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    u = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('Schedule.create (Task.to_be_created) → 201 with every field Task reads; get_specs, get_list, delete → 204', async () => {
    // Task.create_schedule's params: hour only for daily tasks.
    const created = await req('POST', base(), { command: 'echo foo', enabled: true, interval: 'daily', minute: 0, hour: 16 });
    expect(created.statusCode).toBe(201);
    const specs = created.json<Specs>();
    for (const field of TASK_FIELDS) expect(specs, field).toHaveProperty(field);
    expect(specs).toMatchObject({ printable_time: '16:00', interval: 'daily', hour: 16, minute: 0, user: u.username });
    // `pa schedule get --logfile`: the path in the user's files.
    expect((specs.logfile as string).replace(`/user/${u.username}/files`, '')).toBe(`/var/log/tasklog-${specs.id}.log`);
    const hourly = (await req('POST', base(), { command: 'echo bar', enabled: false, interval: 'hourly', minute: 0 })).json<Specs>();
    expect(hourly).toMatchObject({ hour: null, printable_time: '00 minutes past', enabled: false });

    const got = await req('GET', `${base()}${specs.id}/`);
    expect([got.statusCode, got.json<Specs>().id]).toEqual([200, specs.id]);
    const list = await req('GET', base());
    expect(list.json<Specs[]>().map((s) => s.id)).toEqual([specs.id, hourly.id]);
    for (const id of [specs.id, hourly.id]) {
      const del = await req('DELETE', `${base()}${id}/`);
      expect([del.statusCode, del.body]).toEqual([204, '']);
    }
    const missing = await req('GET', `${base()}${specs.id}/`);
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ detail: `no scheduled task ${specs.id}` });
  });

  it("Task.update_schedule's bodies: enable/disable, daily→hourly, hourly→daily (pa schedule update --daily --hour), minute", async () => {
    let task = (await req('POST', base(), { command: 'echo foo', enabled: true, interval: 'daily', minute: 0, hour: 16 })).json<Specs>();
    const update = async (params: Specs) => {
      const res = await req('PATCH', `${base()}${task.id}/`, updateScheduleBody(task, params));
      expect(res.statusCode, res.body).toBe(200);
      task = res.json<Specs>();
      return task;
    };
    expect(await update({ enabled: false })).toMatchObject({ enabled: false, hour: 16, interval: 'daily' });
    expect(await update({ interval: 'hourly' })).toMatchObject({ interval: 'hourly', hour: null, printable_time: '00 minutes past' });
    expect(await update({ minute: 13 })).toMatchObject({ interval: 'hourly', minute: 13 });
    expect(await update({ interval: 'daily', hour: 10 })).toMatchObject({ interval: 'daily', hour: 10, minute: 13, printable_time: '10:13' });
    expect(await update({ hour: 11, enabled: true })).toMatchObject({ hour: 11, enabled: true });
    expect(await update({ command: 'echo new command' })).toMatchObject({ command: 'echo new command', hour: 11 });
    // Schedule.update(1, {"hour": 23}) on an hourly task: PythonAnywhere's 400, as JSON the client prints.
    await update({ interval: 'hourly' });
    const refused = await req('PATCH', `${base()}${task.id}/`, { hour: 23 });
    expect([refused.statusCode, JSON.parse(refused.body).detail]).toEqual([400, 'Hourly tasks must not have an hour.']);
    const missing = await req('POST', base(), {});
    expect([missing.statusCode, JSON.parse(missing.body).field]).toEqual([400, 'command']);
  });

  it('always_on/: create → 201 and running; get, restart → 200; PATCH enabled false → stopped; delete → 204', async () => {
    const aoBase = `/api/v0/user/${u.username}/always_on/`;
    const created = await req('POST', aoBase, { command: 'python3 /home/bot.py', description: 'my bot', enabled: true });
    expect(created.statusCode).toBe(201);
    const task = created.json<Specs>();
    expect(task).toMatchObject({ user: u.username, command: 'python3 /home/bot.py', description: 'my bot', enabled: true, state: 'running', restarts: 0, url: `${aoBase}${task.id}/` });
    expect(task.logfile).toBe(`/user/${u.username}/files/var/log/alwayson-log-${task.id}.log`);
    const container = () => t.runtime.all().find((c) => c.labels.kind === 'always_on' && c.labels.workload === task.id && c.state === 'running');
    const first = container()!;
    t.runtime.simulateExit(first.id, 1);
    await eventually(async () => {
      const now = (await req('GET', `${aoBase}${task.id}/`)).json<Specs>();
      expect(now).toMatchObject({ state: 'running', restarts: 1, last_exit_code: 1 });
    });
    expect(container()!.id).not.toBe(first.id);
    const restarted = await req('POST', `${aoBase}${task.id}/restart/`);
    expect([restarted.statusCode, restarted.json<Specs>().state, restarted.json<Specs>().restarts]).toEqual([200, 'running', 0]);
    expect((await req('PATCH', `${aoBase}${task.id}/`, { enabled: false })).json<Specs>()).toMatchObject({ enabled: false, state: 'stopped', reason: 'stopped by its owner (start it again with start/)' });
    expect(container()).toBeUndefined();
    expect((await req('POST', `${aoBase}${task.id}/start/`)).json<Specs>()).toMatchObject({ enabled: true, state: 'running' });
    expect((await req('DELETE', `${aoBase}${task.id}/`)).statusCode).toBe(204);
    expect(t.runtime.all().filter((c) => c.labels.kind === 'always_on')).toEqual([]);
    const bad = await req('POST', aoBase, { command: '   ' });
    expect([bad.statusCode, JSON.parse(bad.body).field]).toEqual([400, 'command']);
  });
});
