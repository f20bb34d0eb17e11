// How fast a sleeping web app wakes, by mechanism, run by hand (needs root,
// the Docker Engine and the runtime image: `bash scripts/setup.sh` first):
//
//   npx tsx bench/wake.ts               # 12 rounds of each mechanism, 20 apps at once
//   ROUNDS=10 BURST=10 npx tsx bench/wake.ts
//
// Wake = from the call that wakes the container to the first 200 read on the
// app's unix socket, as the router would read it. The mechanisms take turns
// round by round, so that a busy moment on the machine falls on all of them.
// Prints, for the hello app and the Django blog fixture (uWSGI, 1 worker):
// wake latency (median, p99) and memory while asleep per mechanism, the
// awake app's idle memory, how long N stopped hello apps woken together take
// to all answer, and whether checkpoint/restore (CRIU) is on offer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { asToken } from '../control-plane/test/helpers/test-app.js';
import { activeSocket, createDockerTestApp, docker, newUser, wsgiFile, type DockerTestApp } from '../control-plane/test/helpers/docker-app.js';
import { copyFixture, writeWsgiFile } from '../control-plane/test/helpers/fixtures.js';
import { runAsUser } from '../control-plane/test/helpers/one-off.js';
import { getViaSocket } from '../control-plane/test/helpers/unix-get.js';
import { userDirs } from '../control-plane/src/domain/layout.js';
import { loadAverage } from './load-tools.js';

const ROUNDS = Number(process.env.ROUNDS ?? 12);
const BURST = Number(process.env.BURST ?? 20);
const WAKE_LIMIT_MS = 60_000;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Polls the socket with short attempts, as a router holding the first request would, until a 200. */
async function until200(socket: string, host: string): Promise<void> {
  const deadline = performance.now() + WAKE_LIMIT_MS;
  while (performance.now() < deadline) {
    const res = await getViaSocket(socket, '/', 1000, host).catch(() => null);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${host}: no 200 on ${socket} within ${WAKE_LIMIT_MS} ms`);
}

/** The container's memory as `docker stats` counts it (cgroup v1 usage less inactive page cache); 0 when nothing runs. */
async function memoryOf(id: string): Promise<number> {
  const s = (await docker.getContainer(id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: Record<string, number> } };
  const m = s.memory_stats;
  const cache = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? m.stats?.cache ?? 0;
  return Math.max(0, (m.usage ?? 0) - cache);
}

interface Sleeper {
  /** The app's container now (a recreate gives it a new id). */
  id: string;
  readonly socket: string;
  readonly domain: string;
}

interface Mechanism {
  name: string;
  sleep(s: Sleeper): Promise<void>;
  wake(s: Sleeper): Promise<void>;
}

/** Options that make the same container again from its `docker inspect`. */
function recreateOptions(info: Docker.ContainerInspectInfo): Docker.ContainerCreateOptions {
  return { ...info.Config, name: info.Name.replace(/^\//, ''), HostConfig: info.HostConfig } as Docker.ContainerCreateOptions;
}

function mechanisms(): Mechanism[] {
  const specs = new Map<string, Docker.ContainerCreateOptions>();
  return [
    {
      name: 'stop → start',
      sleep: async (s) => void (await docker.getContainer(s.id).stop({ t: 10 })),
      wake: async (s) => void (await docker.getContainer(s.id).start()),
    },
    {
      name: 'pause → unpause',
      sleep: async (s) => void (await docker.getContainer(s.id).pause()),
      wake: async (s) => void (await docker.getContainer(s.id).unpause()),
    },
    {
      name: 'remove → create + start',
      sleep: async (s) => {
        const c = docker.getContainer(s.id);
        specs.set(s.domain, recreateOptions(await c.inspect()));
        await c.remove({ force: true });
      },
      wake: async (s) => {
        const c = await docker.createContainer(specs.get(s.domain)!);
        s.id = c.id;
        await c.start();
      },
    },
  ];
}

interface Round {
  /** The engine call that puts the app to sleep. */
  sleepMs: number;
  /** The engine call that wakes it, until it returns (the app is not yet answering). */
  engineMs: number;
  wakeMs: number;
  asleepBytes: number;
}

/** Sleeps the app, notes its memory asleep, then times the wake. */
async function round(m: Mechanism, s: Sleeper): Promise<Round> {
  const t0 = performance.now();
  await m.sleep(s);
  const sleepMs = performance.now() - t0;
  // Memory is read from the container left behind; a removed one holds none.
  const asleepBytes = await memoryOf(s.id).catch(() => 0);
  const t1 = performance.now();
  let engineMs = 0;
  await Promise.all([m.wake(s).then(() => (engineMs = performance.now() - t1)), until200(s.socket, s.domain)]);
  return { sleepMs, engineMs, wakeMs: performance.now() - t1, asleepBytes };
}

async function containerOf(t: DockerTestApp, domain: string): Promise<string> {
  const [c] = await docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.domain=${domain}`] } });
  if (!c) throw new Error(`${domain}: no container`);
  return c.Id;
}

function toolPresence(): string {
  const probe = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0]!;
    } catch (err) {
      const e = err as { code?: string; stderr?: string; stdout?: string };
      return e.code === 'ENOENT' ? 'not installed' : `${(e.stderr || e.stdout || 'failed').trim().split('\n')[0]}`;
    }
  };
  const experimental = probe('docker', ['info', '--format', '{{.ExperimentalBuild}}']);
  return [
    '\n| checkpoint/restore | answer |',
    '| --- | --- |',
    `| \`criu --version\` | ${probe('criu', ['--version'])} |`,
    `| \`docker checkpoint --help\` | ${probe('docker', ['checkpoint', '--help'])} |`,
    `| daemon experimental | ${experimental} |`,
  ].join('\n');
}

async function main(): Promise<void> {
  console.log(`bench: load average before ${loadAverage()}`);
  const t = await createDockerTestApp({ PYHOST_LOG_LEVEL: 'warn', PYHOST_LIMIT_WEBAPPS: String(BURST + 2) });
  try {
    // The bench puts containers to sleep behind the control plane's back: its reconciler would start them again.
    t.app.services.reconciler.stop();
    const { user, uid } = await newUser(t.app);
    const api = (p: string) => `/api/v0/user/${user.username}/webapps/${p}`;
    const home = userDirs(t.dataDir, user.username).home;
    const create = async (domain: string, patch: Record<string, string> = {}): Promise<Sleeper> => {
      const res = await t.app.inject({ method: 'POST', url: api(''), headers: asToken(user.token), payload: { domain_name: domain } });
      if (res.statusCode >= 300) throw new Error(`create ${domain}: ${res.body}`);
      if (Object.keys(patch).length) await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(user.token), payload: patch });
      const socket = activeSocket(t, domain);
      await until200(socket, domain);
      return { id: await containerOf(t, domain), socket, domain };
    };

    await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
    await runAsUser({ uid, username: user.username, home, workdir: `/home/${user.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });
    const djangoDomain = `django.${user.username}.localhost`;
    await writeWsgiFile(wsgiFile(t, user, djangoDomain), `/home/${user.username}/blog`, { uid, gid: uid });
    const apps = {
      hello: await create(`hello.${user.username}.localhost`),
      django: await create(djangoDomain, { source_directory: `/home/${user.username}/blog` }),
    };

    console.log(`bench: hello and Django apps up at ${(performance.now() / 1000).toFixed(0)} s`);
    const awake: string[] = [];
    await new Promise((r) => setTimeout(r, 3000));
    for (const [kind, s] of Object.entries(apps)) awake.push(`| ${kind} | ${mib(await memoryOf(s.id))} |`);

    const ms = mechanisms();
    const results = new Map<string, Round[]>();
    for (let i = 0; i < ROUNDS; i++) {
      for (const [kind, s] of Object.entries(apps)) {
        for (const m of ms) {
          const r = await round(m, s);
          const key = `${kind}\t${m.name}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
    }
    console.log(`\n| app (uWSGI, 1 worker) | mechanism | wake → first 200, median of ${ROUNDS} | p99 | wake call returns (median) | sleep call (median) | memory asleep (median) |`);
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [key, rs] of results) {
      const [kind, name] = key.split('\t');
      const med = (f: (r: Round) => number) => quantile(rs.map(f), 0.5);
      const p99 = quantile(rs.map((r) => r.wakeMs), 0.99);
      console.log(`| ${kind} | ${name} | ${fmt(med((r) => r.wakeMs))} | ${fmt(p99)} | ${fmt(med((r) => r.engineMs))} | ${fmt(med((r) => r.sleepMs))} | ${mib(med((r) => r.asleepBytes))} |`);
    }
    console.log('\n| app awake, idle (uWSGI, 1 worker) | container memory |');
    console.log('| --- | ---: |');
    for (const row of awake) console.log(row);

    console.log(`bench: rounds done at ${(performance.now() / 1000).toFixed(0)} s`);
    // Many stopped apps woken at the same moment: how long until the last one answers.
    const burst: Sleeper[] = [];
    for (let i = 0; i < BURST; i++) burst.push(await create(`burst${i}.${user.username}.localhost`));
    const stop = ms[0]!;
    console.log(`\n| stopped hello apps woken at once | first answers | median | last answers (all answer) |`);
    console.log('| ---: | ---: | ---: | ---: |');
    for (const n of [...new Set([Math.ceil(BURST / 4), Math.ceil(BURST / 2), BURST])]) {
      const group = burst.slice(0, n);
      await Promise.all(group.map((s) => stop.sleep(s)));
      const t0 = performance.now();
      const each = await Promise.all(
        group.map(async (s) => {
          await Promise.all([stop.wake(s), until200(s.socket, s.domain)]);
          return performance.now() - t0;
        }),
      );
      console.log(`| ${n} | ${fmt(Math.min(...each))} | ${fmt(quantile(each, 0.5))} | ${fmt(Math.max(...each))} |`);
    }
    console.log(toolPresence());
    console.log(`\nbench: load average after ${loadAverage()}`);
  } finally {
    await t.close().catch(async (err: unknown) => {
      // The engine went away mid-run (it is shared): still leave nothing of this run behind.
      console.error('bench: close failed, removing what is left', err);
      await new Promise((r) => setTimeout(r, 5000));
      for (const c of await docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`] } }).catch(() => [])) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
      }
      fs.rmSync(t.dataDir, { recursive: true, force: true });
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
