import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { userDirs } from '../../src/domain/layout.js';
import { createDockerRuntime, type ContainerRuntime } from '../../src/runtime/index.js';
import { docker, recordStarts, uidOf } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { expectHardened } from '../helpers/hardening.js';
import { ADMIN, asToken, createUser, type TestUser } from '../helpers/test-app.js';

/**
 * Scheduled and always-on tasks on the real engine. The app's clock is the
 * real one plus an offset the tests move (never waiting for a real minute
 * or hour); the scheduler is driven with tick(). "A restart of the control
 * plane" is app.close() and a new app on the same data directory.
 */
describe('tasks on the real Docker Engine', () => {
  let dataDir: string;
  let config: Config;
  let runtime: ContainerRuntime;
  let app: App;
  let alice: TestUser;
  let uid: number;
  let offset = 0;
  const clock = () => Date.now() + offset;
  let created: Map<string, Promise<Docker.ContainerInspectInfo | null>>;

  const start = async () => {
    app = await buildApp({ config, runtime, clock });
    await app.ready();
  };
  const restart = async () => {
    await app.close();
    await start();
  };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', rest: string, payload?: object) =>
    app.inject({ method, url: `/api/v0/user/${alice.username}${rest}`, headers: asToken(alice.token), ...(payload ? { payload } : {}) });
  const containers = async (kind: string) =>
    docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${app.instanceId}`, `io.pyhost.kind=${kind}`] } });
  const logOf = (name: string) => fs.readFileSync(path.join(userDirs(dataDir, alice.username).log, name), 'utf8');
  /** Moves the app's clock to the next time it reads `minute` past an hour, plus `seconds`. */
  const toMinute = (minute: number, seconds = 0) => {
    const now = clock();
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    let at = hour + minute * 60_000 + seconds * 1000;
    if (at <= now) at += 3_600_000;
    offset += at - now;
  };
  const lastRun = async (id: number) => (await call('GET', `/schedule/${id}/runs/`)).json()[0];
  const runEnded = (id: number, timeoutMs = 30_000) => eventually(async () => {
    const run = await lastRun(id);
    if (!run || run.outcome === 'running') throw new Error(`run still going: ${JSON.stringify(run)}`);
    return run;
  }, { timeoutMs });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-tasks-'));
    config = loadConfig({ PYHOST_DATA: dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_PASSWORD_HASH_COST: '14', PYHOST_TASK_TIME_LIMIT_MINUTES: '90' });
    runtime = createDockerRuntime({ socketPath: config.dockerSocket });
    created = recordStarts(runtime);
    await start();
    alice = await createUser(app);
    uid = await uidOf(app, alice);
  });
  afterAll(async () => {
    const instance = app.instanceId;
    await app.close();
    for (const c of await runtime.list(instance)) await runtime.remove(c.id);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a task at its minute in a fresh hardened container: output, exit code and duration in its log; no container left', async () => {
    const task = (await call('POST', '/schedule/', { command: 'cd && pwd && whoami && echo "to stderr" >&2 && ls /var/www >/dev/null && exit 3', interval: 'hourly', minute: 7 })).json();
    toMinute(7);
    await app.services.tasks.scheduler.tick();
    const run = await runEnded(task.id);
    expect(run).toMatchObject({ trigger: 'schedule', exit_code: 3, outcome: 'failed' });
    expect(run.duration_seconds).toBeGreaterThanOrEqual(0);
    // The run is recorded as ended first, then its last line is written.
    const log = await eventually(async () => {
      const text = logOf(`tasklog-${task.id}.log`);
      expect(text).toMatch(new RegExp(`run ${run.id} ended: exit code 3 after \\d+\\.\\d s`));
      return text;
    });
    expect(log).toMatch(new RegExp(`run ${run.id} started \\(schedule, due \\d\\d:07\\): cd && pwd`));
    expect(log).toContain(`/home/${alice.username}\n${alice.username}\nto stderr\n`);
    await eventually(async () => expect(await containers('scheduled_run')).toEqual([]));
    const infos = (await Promise.all(created.values())).filter((i): i is Docker.ContainerInspectInfo => i !== null);
    expect(infos.length).toBeGreaterThan(0);
    for (const info of infos) expectHardened(info, { uid, username: alice.username });
    expect((await call('DELETE', `/schedule/${task.id}/`)).statusCode).toBe(204);
  });

  it('skips a run due while the previous one goes, then kills the long one at the time limit', async () => {
    const task = (await call('POST', '/schedule/', { command: 'echo begun; exec sleep 100000', interval: 'hourly', minute: 9 })).json();
    toMinute(9);
    await app.services.tasks.scheduler.tick();
    await eventually(async () => expect(logOf(`tasklog-${task.id}.log`)).toContain('begun'));
    const first = await lastRun(task.id);
    offset += 3_600_000;
    await app.services.tasks.scheduler.tick();
    expect(await lastRun(task.id)).toMatchObject({ outcome: 'skipped', detail: `run ${first.id} still going` });
    expect((await containers('scheduled_run')).filter((c) => c.State === 'running')).toHaveLength(1);
    offset += 31 * 60_000;
    await app.services.tasks.scheduler.tick();
    const runs = (await call('GET', `/schedule/${task.id}/runs/`)).json();
    expect(runs.find((r: { id: number }) => r.id === first.id)).toMatchObject({ outcome: 'killed', exit_code: 137, detail: 'killed after the 90-minute time limit' });
    expect(logOf(`tasklog-${task.id}.log`)).toContain(`run ${first.id} killed: killed after the 90-minute time limit`);
    await eventually(async () => expect(await containers('scheduled_run')).toEqual([]));
    expect((await call('DELETE', `/schedule/${task.id}/`)).statusCode).toBe(204);
  });

  it('Run now, then delete while it runs: the run is stopped and its container removed at once; another user sees none of it', async () => {
    const task = (await call('POST', '/schedule/', { command: 'echo going; exec sleep 100000', interval: 'daily', hour: 3, minute: 0, enabled: false })).json();
    const run = await call('POST', `/schedule/${task.id}/run/`);
    expect([run.statusCode, run.json().trigger]).toEqual([202, 'run_now']);
    await eventually(async () => expect(logOf(`tasklog-${task.id}.log`)).toContain('going\n'));
    expect((await containers('scheduled_run')).filter((c) => c.State === 'running')).toHaveLength(1);
    const bob = await createUser(app);
    expect((await app.inject({ method: 'DELETE', url: `/api/v0/user/${bob.username}/schedule/${task.id}/`, headers: asToken(bob.token) })).statusCode).toBe(404);
    expect((await call('DELETE', `/schedule/${task.id}/`)).statusCode).toBe(204);
    expect(await containers('scheduled_run')).toEqual([]);
    expect(logOf(`tasklog-${task.id}.log`)).toContain('killed: stopped: the task was deleted');
  });

  it('runs a task whose command starts with python3.13 in the 3.13 image, and one with python3 in the default', async () => {
    for (const [program, version, image] of [['python3.13', '3.13', config.runtimeImages['3.13']], ['python3', '3.11', config.runtimeImage]] as const) {
      const task = (await call('POST', '/schedule/', { command: `${program} -c "import sys; print('on', sys.version)"`, interval: 'daily', hour: 3, minute: 0, enabled: false })).json();
      const run = (await call('POST', `/schedule/${task.id}/run/`)).json();
      expect(await runEnded(task.id)).toMatchObject({ id: run.id, exit_code: 0, outcome: 'ok' });
      await eventually(async () => expect((await call('GET', `/schedule/${task.id}/log/`)).json().lines).toContainEqual(expect.stringMatching(new RegExp(`^on ${version.replace('.', '\\.')}\\.\\d+ `))));
      const info = (await Promise.all(created.values())).find((i) => i?.Config.Labels['io.pyhost.kind'] === 'scheduled_run' && i.Config.Labels['io.pyhost.workload'] === String(run.id));
      expect(info?.Config.Image).toBe(image);
      expect((await call('DELETE', `/schedule/${task.id}/`)).statusCode).toBe(204);
    }
  });

  it('catches a missed run up once after a control-plane restart; a run going across a restart is still recorded', async () => {
    const task = (await call('POST', '/schedule/', { command: 'sleep 2; echo caught', interval: 'hourly', minute: 11 })).json();
    await app.close();
    toMinute(11, 30);
    offset += 2 * 3_600_000;
    await start();
    await app.services.tasks.scheduler.tick();
    await app.services.tasks.scheduler.tick();
    const runs = (await call('GET', `/schedule/${task.id}/runs/`)).json();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'catch_up', outcome: 'running' });
    await restart();
    const run = await runEnded(task.id);
    expect(run).toMatchObject({ id: runs[0].id, exit_code: 0, outcome: 'ok' });
    const log = await eventually(async () => {
      const text = logOf(`tasklog-${task.id}.log`);
      expect(text).toContain(`run ${run.id} ended`);
      return text;
    });
    expect(log).toMatch(/catching up: the \d\d:11 run was missed while Pyhost was down; 2 earlier missed runs are not replayed/);
    expect(log).toContain('caught\n');
    expect((await call('DELETE', `/schedule/${task.id}/`)).statusCode).toBe(204);
  });

  it('keeps an always-on task running: restarted after kill -9 inside and after docker rm -f; untouched by a control-plane restart', async () => {
    // Real time again: the restart backoff compares the clock with the engine's start times.
    offset = 0;
    const created = await call('POST', '/always_on/', { command: 'echo "bot up"; exec sleep 100000' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const running = (restarts: number) => eventually(async () => {
      const task = (await call('GET', `/always_on/${id}/`)).json();
      expect(task).toMatchObject({ state: 'running', restarts });
      const live = (await containers('always_on')).filter((x) => x.State === 'running');
      expect(live).toHaveLength(1);
      return live[0]!;
    }, { timeoutMs: 60_000 });
    const first = await running(0);
    const exec = await docker.getContainer(first.Id).exec({ Cmd: ['kill', '-9', '-1'], AttachStdout: true, AttachStderr: true });
    await exec.start({ hijack: true, stdin: false });
    const second = await running(1);
    expect(second.Id).not.toBe(first.Id);
    await docker.getContainer(second.Id).remove({ force: true });
    const third = await running(2);
    expect(third.Id).not.toBe(second.Id);
    expect(logOf(`alwayson-log-${id}.log`)).toMatch(/bot up\n.*exited with code 137\n.*restarting \(restart 1\)/s);
    await restart();
    const after = await running(0);
    expect(after.Id).toBe(third.Id);
    expect((await call('DELETE', `/always_on/${id}/`)).statusCode).toBe(204);
    await eventually(async () => expect(await containers('always_on')).toEqual([]));
  }, 240_000);

  it('ends a crash-looping always-on task crashed, with the reason, until restarted', async () => {
    const id = (await call('POST', '/always_on/', { command: 'echo failing; exit 1' })).json().id;
    const crashed = await eventually(async () => {
      const task = (await call('GET', `/always_on/${id}/`)).json();
      expect(task.state).toBe('crashed');
      return task;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    expect(crashed.reason).toMatch(/^crash loop: it exited \d+ times in a row \(last exit code 1\)/);
    expect((await containers('always_on')).filter((c) => c.Labels['io.pyhost.workload'] === String(id))).toEqual([]);
    await eventually(() => expect(logOf(`alwayson-log-${id}.log`)).toContain('crash loop'));
    expect((await call('POST', `/always_on/${id}/restart/`)).json().state).not.toBe('crashed');
    expect((await call('DELETE', `/always_on/${id}/`)).statusCode).toBe(204);
    await eventually(async () => expect((await containers('always_on')).filter((c) => c.Labels['io.pyhost.workload'] === String(id))).toEqual([]));
  }, 120_000);
});
