// Sleeping apps at density, through the real router, run by hand (needs root,
// the Docker Engine and the runtime image: `bash scripts/setup.sh` first):
//
//   npx tsx bench/density.ts
//   ROUNDS=10 RUNNING=50 APPS=30 USERS=3 AWAKE=5 npx tsx bench/density.ts
//   ONLY=density APPS=2000 USERS=100 AWAKE=50 MAX_AWAKE=100 npx tsx bench/density.ts   # the issue's big one
//   ONLY=wake ROUNDS=10 npx tsx bench/density.ts    # the wake latency table alone
//   ONLY=memory RUNNING=50 npx tsx bench/density.ts  # the idle memory table alone
//
// The api and the router run in this process (test/ingress/router-fixture.ts)
// on the real engine, in a temp data directory of their own; every container
// of that instance is removed at the end, on error and on Ctrl-C too.
// Prints: wake latency through the router (hello and the Django blog fixture)
// beside the issue's targets; idle memory per running hello app; and a
// scenario of APPS apps over USERS accounts, all but AWAKE asleep: the
// process's idle CPU and RSS, how soon a route change is served, requests/s of
// the awake apps, and a crawler requesting every app once.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { userDirs } from '../control-plane/src/domain/layout.js';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_WEBAPP } from '../control-plane/src/runtime/labels.js';
import { docker, newUser, waitForState, wsgiFile } from '../control-plane/test/helpers/docker-app.js';
import { eventually } from '../control-plane/test/helpers/eventually.js';
import { copyFixture, writeWsgiFile } from '../control-plane/test/helpers/fixtures.js';
import { runAsUser } from '../control-plane/test/helpers/one-off.js';
import { adminToken, asToken, type TestUser } from '../control-plane/test/helpers/test-app.js';
import { createRouterFixture, type RouterFixture } from '../control-plane/test/ingress/router-fixture.js';
import { ensureTools, loadAverage, ownCpuSeconds, wrkAsync } from './load-tools.js';

const ROUNDS = Number(process.env.ROUNDS ?? 20);
const RUNNING = Number(process.env.RUNNING ?? 20);
const APPS = Number(process.env.APPS ?? 60);
const USERS = Number(process.env.USERS ?? 6);
const AWAKE = Number(process.env.AWAKE ?? 5);
/** The instance's cap on apps awake at once (PYHOST_MAX_AWAKE_WEBAPPS): what bounds the crawler's memory. */
const MAX_AWAKE = Number(process.env.MAX_AWAKE ?? 100);
/** `wake`, `memory` or `density`: that part alone. */
const ONLY = process.env.ONLY ?? '';
/** Short, so that the bench need not wait long for apps to fall asleep between rounds. */
const SLEEP_AFTER = 2;
const CRAWL_CONNECTIONS = 20;
const TARGETS = { hello: 300, django: 1000 } as const;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const shuffled = <T>(xs: T[]) => xs.map((x) => [Math.random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);

/** Runs fn over items, at most n at a time (creating 60 apps one by one would take minutes longer). */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

interface Account {
  user: TestUser;
  uid: number;
}

async function api(f: RouterFixture, a: Account, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  const res = await f.t.app.inject({ method, url: `/api/v0/user/${a.user.username}/webapps/${url}`, headers: asToken(a.user.token), ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

/** A hello app (Pyhost's default WSGI file) of this account, once it runs. */
async function createApp(f: RouterFixture, a: Account, name: string): Promise<string> {
  const domain = `${name}.${a.user.username}.localhost`;
  await api(f, a, 'POST', '', { domain_name: domain });
  await waitForState(f.t.app, a.user, domain, 'running', 120_000);
  return domain;
}

async function setLimits(f: RouterFixture, a: Account, limits: Record<string, number>): Promise<void> {
  const res = await f.t.app.inject({ method: 'PATCH', url: `/api/admin/users/${a.user.username}/limits`, headers: asToken(await adminToken(f.t.app)), payload: limits });
  if (res.statusCode !== 200) throw new Error(`limits of ${a.user.username}: ${res.body}`);
}

/** This instance's running web-app containers, or one app's containers in any state. */
function webContainers(f: RouterFixture, domain?: string) {
  const label = [`${LABEL_INSTANCE}=${f.t.app.instanceId}`, `${LABEL_KIND}=webapp`];
  if (domain) label.push(`${LABEL_WEBAPP}=${f.t.app.stores.webapps.byDomain(domain)!.id}`);
  return docker.listContainers({ all: domain !== undefined, filters: { label } });
}

/** Asleep with its container gone: the route says asleep before the graceful stop ends, and a wake then would be cheaper than a real one. */
async function asleep(f: RouterFixture, domain: string): Promise<void> {
  const check = async () => {
    if (f.t.app.stores.webapps.byDomain(domain)!.sleeping_since === null || (await webContainers(f, domain)).length > 0) throw new Error('awake');
  };
  await eventually(check, { timeoutMs: 60_000, intervalMs: 50, what: `${domain} asleep` });
}

/** Polls the router (fresh connections, 5 ms apart) until it answers this status; ms from the start. */
async function untilStatus(f: RouterFixture, domain: string, status: number, limitMs = 30_000): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    if ((await f.request(domain).catch(() => null))?.status === status) return performance.now() - t0;
    await sleep(5);
  }
  throw new Error(`${domain}: no ${status} from the router within ${limitMs} ms`);
}

/** The container's memory as `docker stats` counts it (cgroup v1 usage less inactive page cache), as bench/wake.ts reads it. */
async function memoryOf(id: string): Promise<number> {
  const s = (await docker.getContainer(id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: Record<string, number> } };
  const m = s.memory_stats;
  return Math.max(0, (m.usage ?? 0) - (m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? m.stats?.cache ?? 0));
}

function hostUsedBytes(): number {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
  return kb('MemTotal') - kb('MemAvailable');
}

/** The Django blog fixture (uWSGI, 1 worker), as bench/wake.ts sets it up. */
async function createDjango(f: RouterFixture): Promise<string> {
  const { user, uid } = f;
  const home = userDirs(f.t.dataDir, user.username).home;
  await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
  await runAsUser({ uid, username: user.username, home, workdir: `/home/${user.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });
  const domain = await f.createApp('django');
  await writeWsgiFile(wsgiFile(f.t, user, domain), `/home/${user.username}/blog`, { uid, gid: uid });
  await f.api('PATCH', `${domain}/`, { source_directory: `/home/${user.username}/blog` });
  await f.api('POST', `${domain}/reload/`);
  await untilStatus(f, domain, 200, 60_000);
  return domain;
}

/** 1. First request to a sleeping app → its full 200, through the router; both apps asleep together, woken one after the other. */
async function wakeLatency(f: RouterFixture): Promise<void> {
  const apps = { hello: await f.createApp('hello'), django: await createDjango(f) };
  const samples: Record<string, number[]> = { hello: [], django: [] };
  for (let i = 0; i < ROUNDS; i++) {
    await Promise.all(Object.values(apps).map((d) => asleep(f, d)));
    for (const [kind, domain] of Object.entries(apps)) {
      const t0 = performance.now();
      const res = await f.request(domain);
      if (res.status !== 200) throw new Error(`${kind} woke with ${res.status}: ${res.body.slice(0, 200)}`);
      samples[kind]!.push(performance.now() - t0);
    }
  }
  // The api's own count of each wake ("answered N ms after that request came (parts)"), beside the client's.
  const logged = (domain: string) =>
    [...fs.readFileSync(path.join(userDirs(f.t.dataDir, f.user.username).log, `${domain}.server.log`), 'utf8').matchAll(/answered (\d+) ms after that request came \((\d+) ms until its turn, (\d+) ms to start its container, (\d+) ms more/g)].map((m) => m.slice(1, 5).map(Number));
  const median = (rows: number[][], i: number) => fmt(quantile(rows.map((r) => r[i]!), 0.5));
  console.log(`\n| app (uWSGI, 1 worker) | wake → full 200 via router, median of ${ROUNDS} | p99 (slowest) | target p50 | server log's "answered N ms", median (wakes logged) | of which: until its turn | container start | its server answering |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [kind, domain] of Object.entries(apps)) {
    const xs = samples[kind]!;
    const rows = logged(domain);
    console.log(`| ${kind} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.99))} | ≤ ${fmt(TARGETS[kind as keyof typeof TARGETS])} | ${median(rows, 0)} (${rows.length}) | ${median(rows, 1)} | ${median(rows, 2)} | ${median(rows, 3)} |`);
  }
}

/** 2. RUNNING hello apps of an account that never sleeps, idle for a moment, then deleted again. */
async function idleMemory(f: RouterFixture): Promise<void> {
  const a = await newUser(f.t.app);
  await setLimits(f, a, { sleep_after_seconds: 0 });
  const domains = await pool(Array.from({ length: RUNNING }, (_, i) => `idle${i}`), 4, (n) => createApp(f, a, n));
  await sleep(5000); // past uWSGI's start-up allocations
  const ids = await pool(domains, 8, async (d) => (await webContainers(f, d))[0]!.Id);
  const bytes = await pool(ids, 8, memoryOf);
  console.log(`\n| ${RUNNING} hello apps running, idle | memory per container, median | max | total |`);
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| docker stats (usage less inactive file) | ${mib(quantile(bytes, 0.5))} | ${mib(Math.max(...bytes))} | ${mib(bytes.reduce((x, y) => x + y, 0))} |`);
  await pool(domains, 4, (d) => api(f, a, 'DELETE', `${d}/`));
}

/**
 * The rest of the APPS apps, asleep from the start: made as POST makes
 * them (WSGI file, logs, row), without the start and stop each would go
 * through before its first sleep. Thousands of those would take the bench
 * most of an hour and measure nothing it reports; a wake is a wake either way.
 */
async function createAsleep(f: RouterFixture, a: Account, name: string): Promise<string> {
  const domain = `${name}.${a.user.username}.localhost`;
  const owner = f.t.app.stores.users.byUsername(a.user.username)!;
  const service = f.t.app.services.webapps as unknown as { writeSite(o: typeof owner, d: string, python: string, input: object): Promise<{ id: number }> };
  const row = await service.writeSite(owner, domain, '3.11', { domain_name: domain });
  f.t.app.stores.webapps.setSleeping(row.id, new Date().toISOString());
  return domain;
}

/** 3. APPS apps over USERS accounts, all but AWAKE (kept awake) asleep. */
async function density(f: RouterFixture): Promise<void> {
  const accounts = await pool(Array.from({ length: USERS }, () => null), 2, () => newUser(f.t.app));
  const ownerOf = (i: number) => accounts[i % USERS]!;
  const t0 = performance.now();
  const awake = await pool(Array.from({ length: AWAKE }, (_, i) => i), 4, (i) => createApp(f, ownerOf(i), `app${i}`));
  for (const [i, d] of awake.entries()) await api(f, ownerOf(i), 'PATCH', `${d}/`, { keep_awake: true });
  console.log(`\nbench: ${AWAKE} apps created and awake at ${secs(performance.now() - t0)}; load average ${loadAverage()}`);
  // The awake apps' requests/s on an instance with nothing else, to compare with the same beside APPS − AWAKE asleep.
  const alone = await loadAwake(f, awake, `${AWAKE} awake, nothing else`);
  const t1 = performance.now();
  const asleepApps = await pool(Array.from({ length: APPS - AWAKE }, (_, i) => i + AWAKE), 8, (i) => createAsleep(f, ownerOf(i), `app${i}`));
  const domains = [...awake, ...asleepApps];
  await untilStatus(f, awake[0]!, 200); // the router has the table with them all
  console.log(`\nbench: ${APPS - AWAKE} asleep apps made in ${secs(performance.now() - t1)}; load average ${loadAverage()}`);
  console.log(`\n| ${APPS} apps, ${USERS} accounts, ${AWAKE} awake | value |`);
  console.log('| --- | ---: |');
  console.log(`| running web-app containers | ${(await webContainers(f)).length} |`);
  console.log(`| host memory used (MemTotal − MemAvailable) | ${mib(hostUsedBytes())} |`);

  // The api and the router share this process, so its CPU time and RSS are the two together.
  const cpu0 = process.cpuUsage();
  await sleep(10_000);
  const cpu = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  console.log(`| api + router (one process) CPU while idle 10 s | ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${((cpu.user + cpu.system) / 1e5).toFixed(2)} % of a CPU) |`);
  console.log(`| api + router (one process) RSS, heap used | ${mib(mem.rss)}, ${mib(mem.heapUsed)} |`);

  // A route change: PATCH force_https on an awake app, until the router answers 301 (and back, until 200).
  const changes: number[] = [];
  for (let i = 0; i < 5; i++) {
    for (const [on, status] of [[true, 301], [false, 200]] as const) {
      const t = performance.now();
      await api(f, ownerOf(0), 'PATCH', `${awake[0]}/`, { force_https: on });
      await untilStatus(f, awake[0]!, status);
      changes.push(performance.now() - t);
    }
  }
  console.log(`| route change (PATCH force_https → router answers 301 / 200), median of ${changes.length} | ${fmt(quantile(changes, 0.5))} (slowest ${fmt(Math.max(...changes))}) |`);

  const beside = await loadAwake(f, awake, `${AWAKE} awake beside ${APPS - AWAKE} asleep`);
  console.log(`\nbench: requests/s of the ${AWAKE} awake apps beside ${APPS - AWAKE} asleep vs alone: ${(beside / alone).toFixed(2)}×`);
  await crawl(f, accounts, domains);
}

/** wrk on every awake app at once through the router (async: the router runs in this process's event loop); their requests/s together. */
async function loadAwake(f: RouterFixture, awake: string[], what: string): Promise<number> {
  const c = Math.max(1, Math.floor(20 / awake.length));
  const seconds = 10;
  const cpu0 = ownCpuSeconds();
  const runs = await Promise.all(awake.map((d) => wrkAsync(f.router.port, d, c, seconds, [])));
  const cpu = ownCpuSeconds() - cpu0;
  const total = runs.reduce((x, r) => x + r.rps, 0);
  const p = (q: number) => quantile(runs.map((r) => (q === 0.5 ? r.p50 : r.p99)), 0.5).toFixed(1);
  console.log(`\n| ${what}: every one under load at once (wrk, c=${c} each, ${seconds} s) | requests/s, all | p50 (median app) | p99 (median app) | errors | api + router CPU a request |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${awake.length} hello apps | ${total.toFixed(0)} | ${p(0.5)} ms | ${p(0.99)} ms | ${runs.reduce((x, r) => x + r.errors, 0)} | ${((cpu * 1e6) / (total * seconds)).toFixed(0)} µs |`);
  return total;
}

/** Every app once, in random order, 20 at a time: with a real idle time (10 min) what a crawl wakes stays awake. */
async function crawl(f: RouterFixture, accounts: Account[], domains: string[]): Promise<void> {
  for (const a of accounts) await setLimits(f, a, { sleep_after_seconds: 600 });
  const memBefore = hostUsedBytes();
  const peak = { running: (await webContainers(f)).length, memory: memBefore, waking: 0, queued: 0 };
  let sampling = false; // one container listing at a time: the engine is slow under this load
  const sampler = setInterval(() => {
    const { waking, queued } = f.t.app.services.sleep.pending;
    Object.assign(peak, { waking: Math.max(peak.waking, waking), queued: Math.max(peak.queued, queued), memory: Math.max(peak.memory, hostUsedBytes()) });
    if (sampling) return;
    sampling = true;
    void webContainers(f).then((cs) => void (peak.running = Math.max(peak.running, cs.length)), () => {}).finally(() => (sampling = false));
  }, 250);
  const statuses = new Map<string, number>();
  const answered: number[] = [];
  const t0 = performance.now();
  try {
    await pool(shuffled(domains), CRAWL_CONNECTIONS, async (d) => {
      const t = performance.now();
      const res = await f.request(d).catch((err: Error) => ({ status: 0, body: err.message }));
      const key = res.status === 0 ? `no answer (${res.body.slice(0, 40)})` : `${res.status}${res.status === 200 ? '' : ` ${pageSays(res.body)}`}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (res.status === 200) answered.push(performance.now() - t);
    });
  } finally {
    clearInterval(sampler);
  }
  const totalMs = performance.now() - t0;
  await sleep(500);
  peak.running = Math.max(peak.running, (await webContainers(f)).length);
  console.log(`\n| crawler: ${domains.length} apps once each, random order, ${CRAWL_CONNECTIONS} connections | value |`);
  console.log('| --- | ---: |');
  console.log(`| answers by status | ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')} |`);
  console.log(`| total time | ${secs(totalMs)} |`);
  console.log(`| time to a 200, median / slowest | ${fmt(quantile(answered, 0.5))} / ${fmt(Math.max(...answered))} |`);
  console.log(`| peak running web-app containers | ${peak.running} |`);
  console.log(`| peak wakes at once / queued (sleep.pending) | ${peak.waking} / ${peak.queued} |`);
  console.log(`| host memory used: before → peak | ${mib(memBefore)} → ${mib(peak.memory)} (+${mib(peak.memory - memBefore)}) |`);
  await afterCrawl(f, accounts, domains);
}

/** The router's page in a few words: which of its 502/503 pages it was. */
const pageSays = (body: string) => (/waking up/.test(body) ? '(waking)' : /not answering/.test(body) ? '(not answering)' : `(${body.replace(/<[^>]+>/g, ' ').trim().slice(0, 40)})`);

/** Whether the wakes still queued when the crawl ended all come good: every app's state once the queue is empty. */
async function afterCrawl(f: RouterFixture, accounts: Account[], domains: string[]): Promise<void> {
  const t0 = performance.now();
  const drained = () => {
    if (f.t.app.services.sleep.pending.waking + f.t.app.services.sleep.pending.queued > 0) throw new Error('wakes pending');
  };
  await eventually(drained, { timeoutMs: 180_000, intervalMs: 100, what: 'the wake queue empty' });
  const states = new Map<string, number>();
  const reasons: string[] = [];
  for (const [i, d] of domains.entries()) {
    const w = (await api(f, accounts[i % accounts.length]!, 'GET', `${d}/`)).json<{ state: string; crash_reason: string | null }>();
    states.set(w.state, (states.get(w.state) ?? 0) + 1);
    if (w.crash_reason) reasons.push(w.crash_reason);
  }
  console.log(`| after the crawl: wake queue empty after | ${secs(performance.now() - t0)} more |`);
  console.log(`| after the crawl: apps by state | ${[...states].map(([s, n]) => `${s}: ${n}`).join(', ')} |`);
  for (const r of new Set(reasons)) console.log(`| crash reason (${reasons.filter((x) => x === r).length}×) | ${r.replace(/\|/g, '/').replace(/\n/g, ' ')} |`);
}

async function main(): Promise<void> {
  ensureTools();
  console.log(`bench: ${new Date().toISOString()}, load average at start ${loadAverage()}`);
  console.log(`bench: ROUNDS=${ROUNDS} RUNNING=${RUNNING} APPS=${APPS} USERS=${USERS} AWAKE=${AWAKE} MAX_AWAKE=${MAX_AWAKE}`);
  const perAccount = Math.max(RUNNING, Math.ceil(APPS / USERS), 2) + 1;
  const f = await createRouterFixture({
    PYHOST_LOG_LEVEL: 'warn',
    PYHOST_MAX_AWAKE_WEBAPPS: String(MAX_AWAKE),
    PYHOST_SLEEP_AFTER: `${SLEEP_AFTER}s`,
    PYHOST_LIMIT_WEBAPPS: String(perAccount),
    PYHOST_LIMIT_AWAKE_WEBAPPS: String(AWAKE),
  });
  let closing: Promise<void> | null = null;
  const cleanup = () => (closing ??= closeAll(f));
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const t0 = performance.now();
    if (ONLY === '' || ONLY === 'wake') {
      await wakeLatency(f);
      console.log(`bench: wakes done at ${secs(performance.now() - t0)}`);
    }
    if (ONLY === '' || ONLY === 'memory') {
      await idleMemory(f);
      console.log(`bench: idle memory done at ${secs(performance.now() - t0)}`);
    }
    if (ONLY === '' || ONLY === 'density') await density(f);
    console.log(`\nbench: done in ${secs(performance.now() - t0)}; load average at end ${loadAverage()}`);
  } finally {
    await cleanup();
  }
}

/** The fixture's close removes every container of the instance; if it fails (a shared engine restarting), remove them by label. */
async function closeAll(f: RouterFixture): Promise<void> {
  await f.close().catch(async (err: unknown) => {
    console.error('bench: close failed, removing what is left', err);
    await sleep(5000);
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${f.t.app.instanceId}`] } }).catch(() => [])) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    }
    fs.rmSync(f.t.dataDir, { recursive: true, force: true });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
