// Router benchmark, run by hand (root, the Docker Engine and the runtime
// image: `bash scripts/setup.sh` first; installs Debian's nginx and wrk when
// missing):
//
//   npx tsx bench/router.ts
//   DURATION=10 ROUNDS=3 ROUTER_WORKERS=1,2 npx tsx bench/router.ts
//   PROFILE=1 npx tsx bench/router.ts      # also writes a CPU profile of the router
//   ONLY=blog:1,blog:20 ROUNDS=10 npx tsx bench/router.ts   # some scenarios only
//   ONLY=article-hello:1,article-environ:20 npx tsx bench/router.ts   # the article's two WSGI examples
//   PYHOST_RUNTIME_IMAGE=pyhost-runtime:before npx tsx bench/router.ts   # another build of the runtime image
//   NGINX_UPSTREAM_KEEPALIVE=1 npx tsx bench/router.ts   # nginx with `keepalive` upstream (stalls; see router-tools.ts)
//   HTTPS=1 npx tsx bench/router.ts        # both terminating TLS with the same certificate: kept-alive and new connections
//   HTTPS=1 ONLY=hello:20,hello:20:new DURATION=2 ROUNDS=1 npx tsx bench/router.ts
//
// Real web-app containers (production settings, but PYHOST_APP_CPUS=2 so the
// app is not capped below what the machine has), the router as its own
// process, and Debian's nginx configured here in front of the very same
// app.sock. Load only ever goes to 127.0.0.1 (wrk). Each scenario
// alternates nginx and router runs ROUNDS times and reports the median run
// (short alternating runs, because a shared machine's background load comes
// in bursts), and the proxy's own CPU time per request (user + system, all
// its processes), which background load disturbs less than throughput.
// app.sock (uWSGI) keeps connections alive: the router keeps one per worker
// and queues the rest; nginx connects per request (see nginxConfig).
// With HTTPS=1 both listen for TLS with one certificate made here with
// openssl (a throw-away CA), the router's profile (ingress/tls-profile.ts)
// configured in nginx too; "new connections" runs send `Connection: close`,
// and wrk resumes no session, so every request is a full handshake and the
// CPU per request is the CPU per handshake.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asToken } from '../control-plane/test/helpers/test-app.js';
import { ARTICLE_ENVIRON, ARTICLE_HELLO } from '../control-plane/test/helpers/article-apps.js';
import { activeSocket, createDockerTestApp, newUser, waitForState, writeAsUser, wsgiFile } from '../control-plane/test/helpers/docker-app.js';
import { copyFixture, writeWsgiFile } from '../control-plane/test/helpers/fixtures.js';
import { runAsUser } from '../control-plane/test/helpers/one-off.js';
import { freePort } from '../control-plane/test/helpers/server-process.js';
import { userDirs } from '../control-plane/src/domain/layout.js';
import { INTERMEDIATE_CIPHERS, INTERMEDIATE_CURVES } from '../control-plane/src/ingress/tls-profile.js';
import { createTestCa, writeTlsStore } from '../control-plane/test/helpers/test-certs.js';
import { ensureTools, fmtMs, loadAverage, medianRun, startRouter, stopProcess, wrk, type Run } from './load-tools.js';
import { nginxConfig, summarizeProfile } from './router-tools.js';

const DURATION = Number(process.env.DURATION ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const WORKER_COUNTS = (process.env.ROUTER_WORKERS ?? '1').split(',').map(Number);
const PROFILE = process.env.PROFILE === '1';
const NGINX_UPSTREAM_KEEPALIVE = process.env.NGINX_UPSTREAM_KEEPALIVE === '1';
const HTTPS = process.env.HTTPS === '1';

type AppName = 'blog' | 'hello' | 'article-hello' | 'article-environ';

interface Scenario {
  app: AppName;
  label: string;
  connections: number;
  /** A new connection (with HTTPS: a full handshake) for every request. */
  close?: boolean;
}

const ALL_SCENARIOS: Scenario[] = [
  { app: 'blog', label: 'Django blog, 1 worker', connections: 1 },
  { app: 'blog', label: 'Django blog, 1 worker', connections: 10 },
  { app: 'blog', label: 'Django blog, 1 worker', connections: 20 },
  { app: 'hello', label: 'hello, 4 workers (ceiling)', connections: 20 },
  { app: 'hello', label: 'hello, 4 workers (ceiling)', connections: 50 },
  // The article's examples as learners type them: no Content-Length.
  { app: 'article-hello', label: 'article hello world, 1 worker', connections: 1 },
  { app: 'article-hello', label: 'article hello world, 1 worker', connections: 20 },
  { app: 'article-environ', label: 'article environ listing, 1 worker', connections: 1 },
  { app: 'article-environ', label: 'article environ listing, 1 worker', connections: 20 },
];
const HTTPS_SCENARIOS: Scenario[] = (['blog', 'hello'] as const).flatMap((app) =>
  [false, true].flatMap((close) => [1, 10, 20, 50].map((connections) => ({ app, label: app === 'blog' ? 'Django blog, 1 worker' : 'hello, 4 workers', connections, close }))),
);
const scenarioKey = (s: Scenario) => `${s.app}:${s.connections}${s.close ? ':new' : ''}`;
/** ONLY=blog:1,hello:20 runs just those (hello:20:new: its new-connections run, with HTTPS=1). */
const SCENARIOS = (HTTPS ? HTTPS_SCENARIOS : ALL_SCENARIOS).filter((s) => !process.env.ONLY || process.env.ONLY.split(',').includes(scenarioKey(s)));

const IDLE_SETTLE_MS = 1600;

async function main(): Promise<void> {
  ensureTools();
  const image = process.env.PYHOST_RUNTIME_IMAGE;
  const t = await createDockerTestApp({ PYHOST_LOG_LEVEL: 'warn', PYHOST_APP_CPUS: '2', ...(image ? { PYHOST_RUNTIME_IMAGE: image } : {}) });
  const work = fs.mkdtempSync('/tmp/pyhost-bench-router-');
  let nginxConf: string | null = null;
  try {
    const { user, uid } = await newUser(t.app);
    const api = (p: string) => `/api/v0/user/${user.username}/webapps/${p}`;
    const home = userDirs(t.dataDir, user.username).home;
    const hosts: Record<AppName, string> = {
      blog: `blog.${user.username}.localhost`,
      hello: `hello.${user.username}.localhost`,
      'article-hello': `article-hello.${user.username}.localhost`,
      'article-environ': `article-environ.${user.username}.localhost`,
    };

    await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
    await runAsUser({ uid, username: user.username, home, workdir: `/home/${user.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });
    await writeWsgiFile(path.join(userDirs(t.dataDir, user.username).www, `${hosts.blog.replace(/\./g, '_')}_wsgi.py`), `/home/${user.username}/blog`, { uid, gid: uid });
    // Written before the web apps are made, which keep a WSGI file that is there.
    writeAsUser(wsgiFile(t, user, hosts['article-hello']), ARTICLE_HELLO, uid);
    writeAsUser(wsgiFile(t, user, hosts['article-environ']), ARTICLE_ENVIRON, uid);
    const patches: [AppName, object][] = [['blog', { source_directory: `/home/${user.username}/blog` }], ['hello', { workers: 4 }], ['article-hello', {}], ['article-environ', {}]];
    for (const [app, patch] of patches) {
      const domain = hosts[app];
      await t.app.inject({ method: 'POST', url: api(''), headers: asToken(user.token), payload: { domain_name: domain } });
      if (Object.keys(patch).length > 0) {
        const res = await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(user.token), payload: patch });
        if (res.statusCode !== 200) throw new Error(`${domain}: ${res.body}`);
      }
      await waitForState(t.app, user, domain, 'running');
    }

    let tls: Parameters<typeof nginxConfig>[0]['tls'];
    if (HTTPS) {
      const ca = createTestCa();
      const leaf = ca.leaf(Object.values(hosts));
      ca.close();
      // The router reads the store as the ingress uid, as in production.
      writeTlsStore(t.dataDir, 1, [{ id: 'bench', names: Object.values(hosts), ...leaf }], t.config.ingressUid);
      fs.writeFileSync(path.join(work, 'cert.pem'), leaf.cert);
      fs.writeFileSync(path.join(work, 'key.pem'), leaf.key, { mode: 0o600 });
      tls = { port: await freePort(), certFile: path.join(work, 'cert.pem'), keyFile: path.join(work, 'key.pem'), ciphers: INTERMEDIATE_CIPHERS, curves: INTERMEDIATE_CURVES };
    }
    const nginxPort = await freePort();
    nginxConf = path.join(work, 'nginx.conf');
    fs.writeFileSync(nginxConf, nginxConfig({ dir: work, port: nginxPort, upstreamKeepalive: NGINX_UPSTREAM_KEEPALIVE, tls, servers: Object.entries(hosts).map(([app, host]) => ({ host, socket: activeSocket(t, host), accessLog: path.join(work, `${app}.access.log`) })) }));
    execFileSync('nginx', ['-c', nginxConf]);
    const nginxPids = [Number(fs.readFileSync(path.join(work, 'nginx.pid'), 'utf8'))];
    console.log(`load average at start: ${loadAverage()}`);

    const results: string[] = [];
    const ratios: number[] = [];
    for (const workers of WORKER_COUNTS) {
      const routerPort = await freePort();
      const routerTlsPort = HTTPS ? await freePort() : null;
      const profileDir = PROFILE ? path.join(work, `profile-${workers}`) : null;
      if (profileDir) {
        // The router writes its profile as the ingress uid (it drops root once its ports are bound).
        fs.chmodSync(work, 0o711);
        fs.mkdirSync(profileDir, { mode: 0o777 });
        fs.chmodSync(profileDir, 0o777);
      }
      const router = await startRouter(t, routerPort, workers, profileDir, routerTlsPort ? { PYHOST_HTTPS_PORT: String(routerTlsPort) } : {});
      try {
        if (routerTlsPort) await untilServes(`https://127.0.0.1:${routerTlsPort}/`);
        for (const s of SCENARIOS) {
          const host = hosts[s.app];
          const runs: Record<'nginx' | 'router', Run[]> = { nginx: [], router: [] };
          const target = { nginx: { port: tls?.port ?? nginxPort, pids: nginxPids }, router: { port: routerTlsPort ?? routerPort, pids: [router.pid!] } };
          const how = { https: HTTPS, close: s.close === true };
          // After the router's turn its idle connections hold the app's workers
          // for up to a second (upstream-pool.ts): each run starts after that.
          const settle = () => sleep(IDLE_SETTLE_MS);
          for (const name of ['nginx', 'router'] as const) {
            wrk(target[name].port, host, s.connections, 2, target[name].pids, '/', how); // warm up
            await settle();
          }
          for (let round = 0; round < ROUNDS; round++) {
            const order = round % 2 === 0 ? (['nginx', 'router'] as const) : (['router', 'nginx'] as const);
            for (const name of order) {
              runs[name].push(wrk(target[name].port, host, s.connections, DURATION, target[name].pids, '/', how));
              await settle();
            }
          }
          const n = medianRun(runs.nginx);
          const r = medianRun(runs.router);
          const errors = [...runs.nginx, ...runs.router].reduce((sum, x) => sum + x.errors, 0);
          const ratio = r.rps / n.rps;
          ratios.push(ratio);
          results.push(
            `| ${s.label}${HTTPS ? (s.close ? ', new connections' : ', kept alive') : ''} | ${s.connections} | ${workers} | ${n.rps.toFixed(0)} | ${r.rps.toFixed(0)} | **${(ratio * 100).toFixed(0)}%** | ${fmtMs(n.p50)} / ${fmtMs(n.p99)} | ${fmtMs(r.p50)} / ${fmtMs(r.p99)} | ${n.cpuUs.toFixed(0)} / ${r.cpuUs.toFixed(0)} |${errors ? ` ${errors} errors` : ''}`,
          );
          console.log(results[results.length - 1]);
        }
      } finally {
        await stopProcess(router);
      }
      if (profileDir) {
        for (const file of fs.readdirSync(profileDir)) console.log(`\nrouter profile (${workers} worker(s)), ${file}:\n${summarizeProfile(path.join(profileDir, file), 25)}`);
      }
    }
    const load = loadAverage();
    console.log(`\n${DURATION} s per run, median of ${ROUNDS} alternating runs; wrk -t1 on 127.0.0.1${HTTPS ? ' over HTTPS (TLS terminated by the proxy; with new connections the CPU per request is per full handshake)' : ''}; the proxy, wrk and the app share the machine's cores (load average at the end: ${load}).\n`);
    console.log('| app | connections | router processes | nginx req/s | router req/s | router / nginx | nginx p50 / p99 | router p50 / p99 | proxy CPU µs/request, nginx / router |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of results) console.log(row);
  } finally {
    if (nginxConf) execFileSync('nginx', ['-c', nginxConf, '-s', 'quit']);
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Waits until the URL answers at all (the router has read its certificates). */
async function untilServes(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('curl', ['-sk', '-o', '/dev/null', url], { stdio: 'ignore' });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} does not answer`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
