// Scheduled-task burst, run by hand (root, the Docker Engine and the
// runtime image: `bash scripts/setup.sh` first):
//
//   npx tsx bench/tasks-burst.ts
//   TASKS=100 USERS=10 npx tsx bench/tasks-burst.ts
//
// TASKS (default 200) hourly tasks across USERS (default 20) accounts, all
// due at the same minute. The app (the real control plane, in this process,
// on the real engine) gets a clock the bench moves to that minute; then one
// scheduler tick. Prints: the time until every run's container has started,
// the control plane's CPU (this process) and peak memory (RSS) meanwhile,
// the engine's CPU (dockerd) over the same time, and, once every run has
// ended and a second tick in the same minute and one a minute later have
// passed, the runs lost (a task with no run, a run that did not start or
// did not end ok, a log without its output) and doubled (a task with more
// than one run or start line).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../control-plane/src/app.js';
import { loadConfig } from '../control-plane/src/config.js';
import { userDirs } from '../control-plane/src/domain/layout.js';
import { createDockerRuntime } from '../control-plane/src/runtime/index.js';
import { ADMIN, asToken, createUser, type TestUser } from '../control-plane/test/helpers/test-app.js';

const TASKS = Number(process.env.TASKS ?? 200);
const USERS = Number(process.env.USERS ?? 20);
const MINUTE = 30;

/** dockerd's user+system CPU time in ms (/proc), or null when it is not found. */
function dockerdCpuMs(): number | null {
  try {
    const pid = execFileSync('pidof', ['dockerd'], { encoding: 'utf8' }).trim().split(/\s+/)[0];
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ 100
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-bench-tasks-'));
  const config = loadConfig({ PYHOST_DATA: dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_PASSWORD_HASH_COST: '14', PYHOST_LIMIT_SCHEDULED_TASKS: String(TASKS) });
  const runtime = createDockerRuntime({ socketPath: config.dockerSocket });
  let offset = 0;
  const app = await buildApp({ config, runtime, clock: () => Date.now() + offset });
  await app.ready();
  try {
    const users: TestUser[] = [];
    for (let i = 0; i < USERS; i++) users.push(await createUser(app));
    const tasks: { user: TestUser; id: number; token: string }[] = [];
    for (let i = 0; i < TASKS; i++) {
      const user = users[i % USERS]!;
      const token = `burst-${i}`;
      const res = await app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/schedule/`, headers: asToken(user.token), payload: { command: `echo ${token}; sleep 3`, interval: 'hourly', minute: MINUTE } });
      if (res.statusCode !== 201) throw new Error(`create task ${i}: ${res.statusCode} ${res.body}`);
      tasks.push({ user, id: res.json<{ id: number }>().id, token });
    }
    const now = Date.now();
    let due = Math.floor(now / 3_600_000) * 3_600_000 + MINUTE * 60_000;
    if (due <= now) due += 3_600_000;
    offset = due - now;

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const rssBefore = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const docker0 = dockerdCpuMs();
    const t0 = performance.now();
    await app.services.tasks.scheduler.tick();
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const docker1 = dockerdCpuMs();
    clearInterval(sampler);
    const started = tasks.filter((t) => app.stores.taskRuns.recent(t.id, 10).some((r) => r.container_id !== null)).length;

    // The same minute again, and the next one: neither may start anything.
    await app.services.tasks.scheduler.tick();
    offset += 60_000;
    await app.services.tasks.scheduler.tick();
    const deadline = Date.now() + 180_000;
    while (app.stores.taskRuns.allRunning().length > 0 && Date.now() < deadline) {
      await app.services.reconciler.trigger();
      await new Promise((r) => setTimeout(r, 500));
    }

    let lost = 0;
    let doubled = 0;
    for (const t of tasks) {
      const runs = app.stores.taskRuns.recent(t.id, 10);
      const log = fs.readFileSync(path.join(userDirs(dataDir, t.user.username).log, `tasklog-${t.id}.log`), 'utf8');
      const starts = log.split('\n').filter((l) => / run \d+ started /.test(l)).length;
      if (runs.length > 1 || starts > 1) doubled++;
      if (runs.length === 0 || runs[0]!.outcome !== 'ok' || !log.includes(`${t.token}\n`)) lost++;
    }
    const left = (await runtime.list(app.instanceId)).filter((c) => c.labels.kind === 'scheduled_run').length;
    const row = (k: string, v: string) => console.log(`| ${k.padEnd(44)} | ${v.padStart(14)} |`);
    console.log(`\n${TASKS} scheduled tasks across ${USERS} users, all due at :${MINUTE}; ${os.cpus().length} CPUs\n`);
    row('measure', 'value');
    console.log(`|${'-'.repeat(46)}|${'-'.repeat(16)}|`);
    row('time until every run had started', `${(elapsed / 1000).toFixed(1)} s`);
    row('runs started by then', `${started} / ${TASKS}`);
    row('starts per second', (started / (elapsed / 1000)).toFixed(1));
    row('control plane CPU (user+system) meanwhile', `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
    row('control plane CPU, average share of one CPU', `${(((cpu.user + cpu.system) / 1000 / elapsed) * 100).toFixed(0)} %`);
    row('control plane RSS before / peak', `${(rssBefore / 2 ** 20).toFixed(0)} / ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
    row('dockerd CPU meanwhile', docker0 === null || docker1 === null ? 'n/a' : `${(docker1 - docker0).toFixed(0)} ms`);
    row('runs lost (none, not ok, or no output)', String(lost));
    row('runs doubled', String(doubled));
    row('run containers left after all ended', String(left));
  } finally {
    const instance = app.instanceId;
    await app.close();
    for (const c of await runtime.list(instance)) await runtime.remove(c.id);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
