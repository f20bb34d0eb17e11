// Websites benchmark, run by hand (root, the Docker Engine and the runtime
// image: `bash scripts/setup.sh` first; installs Debian's nginx and wrk when
// missing):
//
//   npx tsx bench/websites.ts
//   DURATION=10 ROUNDS=5 npx tsx bench/websites.ts
//
// A FastAPI app under `uvicorn --uds $DOMAIN_SOCKET` (docs/websites.md), as a
// real website container, measured two ways:
// - through the router against Debian's nginx in front of the very same
//   app.sock, at 1, 10 and 20 connections (wrk on 127.0.0.1, alternating
//   runs, the median of ROUNDS), as bench/router.ts does for WSGI apps;
// - reload to new code: edit main.py, POST …/reload/, time until the router
//   serves the new answer (median of 10), and until the call returns.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asToken } from '../control-plane/test/helpers/test-app.js';
import { createDockerTestApp, newUser, writeAsUser } from '../control-plane/test/helpers/docker-app.js';
import { freePort } from '../control-plane/test/helpers/server-process.js';
import { FASTAPI } from '../control-plane/test/helpers/website-apps.js';
import { userDirs, websiteGenerationRunDir } from '../control-plane/src/domain/layout.js';
import { ensureTools, fmtMs, loadAverage, medianRun, startRouter, stopProcess, wrk, type Run } from './load-tools.js';
import { nginxConfig } from './router-tools.js';

const DURATION = Number(process.env.DURATION ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const RELOADS = 10;
const CONNECTIONS = [1, 10, 20];

/** GET / with this Host (fetch may not set Host). */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function untilBody(port: number, host: string, want: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await get(port, host).catch(() => null);
    if (res?.status === 200 && res.body === want) return;
    await sleep(10);
  }
  throw new Error(`${host}: "${want}" not served within ${timeoutMs} ms`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  ensureTools();
  const t = await createDockerTestApp({ PYHOST_LOG_LEVEL: 'warn', PYHOST_APP_CPUS: '2' });
  const work = fs.mkdtempSync('/tmp/pyhost-bench-websites-');
  let nginxConf: string | null = null;
  try {
    const { user, uid } = await newUser(t.app);
    const host = `fast.${user.username}.localhost`;
    const mainPy = path.join(userDirs(t.dataDir, user.username).home, 'fast', 'main.py');
    writeAsUser(mainPy, FASTAPI('fast 0'), uid);
    const url = `/api/v1/user/${user.username}/websites/`;
    const res = await t.app.inject({ method: 'POST', url, headers: asToken(user.token), payload: { domain_name: host, enabled: true, webapp: { command: 'cd ~/fast && exec uvicorn --uds $DOMAIN_SOCKET main:app' } } });
    if (res.statusCode !== 201) throw new Error(`create: ${res.body}`);
    const row = t.app.stores.websites.byDomain(host)!;
    const socket = path.join(websiteGenerationRunDir(t.dataDir, row.id, row.active_generation), 'app.sock');

    const routerPort = await freePort();
    const router = await startRouter(t, routerPort, 1);
    const nginxPort = await freePort();
    nginxConf = path.join(work, 'nginx.conf');
    fs.writeFileSync(nginxConf, nginxConfig({ dir: work, port: nginxPort, servers: [{ host, socket, accessLog: path.join(work, 'access.log') }] }));
    execFileSync('nginx', ['-c', nginxConf]);
    const nginxPids = [Number(fs.readFileSync(path.join(work, 'nginx.pid'), 'utf8'))];
    console.log(`load average at start: ${loadAverage()}`);
    const target = { nginx: { port: nginxPort, pids: nginxPids }, router: { port: routerPort, pids: [router.pid!] } };

    const rows: string[] = [];
    const reloads: number[] = [];
    const calls: number[] = [];
    try {
      for (const connections of CONNECTIONS) {
        const runs: Record<'nginx' | 'router', Run[]> = { nginx: [], router: [] };
        for (const name of ['nginx', 'router'] as const) wrk(target[name].port, host, connections, 2, target[name].pids); // warm up
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? (['nginx', 'router'] as const) : (['router', 'nginx'] as const);
          for (const name of order) runs[name].push(wrk(target[name].port, host, connections, DURATION, target[name].pids));
        }
        const n = medianRun(runs.nginx);
        const r = medianRun(runs.router);
        const errors = [...runs.nginx, ...runs.router].reduce((sum, x) => sum + x.errors, 0);
        rows.push(`| ${connections} | ${n.rps.toFixed(0)} | ${r.rps.toFixed(0)} | **${((r.rps / n.rps) * 100).toFixed(0)}%** | ${fmtMs(n.p50)} / ${fmtMs(n.p99)} | ${fmtMs(r.p50)} / ${fmtMs(r.p99)} | ${errors} |`);
        console.log(rows[rows.length - 1]);
      }

      for (let i = 1; i <= RELOADS; i++) {
        writeAsUser(mainPy, FASTAPI(`fast ${i}`), uid);
        const t0 = performance.now();
        // The new code serves before the call returns: the old server keeps its
        // socket a second after the switch and is then stopped.
        const reload = t.app.inject({ method: 'POST', url: `${url}${host}/reload/`, headers: asToken(user.token) });
        await untilBody(routerPort, host, `fast ${i}`);
        reloads.push(performance.now() - t0);
        const answer = await reload;
        if (answer.statusCode !== 200) throw new Error(`reload: ${answer.body}`);
        calls.push(performance.now() - t0);
      }
    } finally {
      await stopProcess(router);
    }

    console.log(`\nFastAPI under uvicorn (one process), ${DURATION} s per run, median of ${ROUNDS} alternating runs; wrk -t1 on 127.0.0.1 (load average at the end: ${loadAverage()}).\n`);
    console.log('| connections | nginx req/s | router req/s | router / nginx | nginx p50 / p99 | router p50 / p99 | errors |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
    console.log(`\n| FastAPI website, uvicorn | reload → new code through the router (median of ${RELOADS}) | fastest | slowest | reload call returns (median) |`);
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(`| 1 process | ${median(reloads).toFixed(0)} ms | ${Math.min(...reloads).toFixed(0)} ms | ${Math.max(...reloads).toFixed(0)} ms | ${median(calls).toFixed(0)} ms |`);
  } finally {
    if (nginxConf) execFileSync('nginx', ['-c', nginxConf, '-s', 'quit']);
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
