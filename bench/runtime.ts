// Web-app runtime benchmark, run by hand (needs root, the Docker Engine and
// the runtime image: `bash scripts/setup.sh` first):
//
//   npx tsx bench/runtime.ts            # all three measurements
//   APPS=20 npx tsx bench/runtime.ts    # fewer apps for the memory table
//
// Prints, for the hello app and the Django blog fixture (uWSGI, 1 worker):
// create-to-first-response and reload-to-new-code (median of 10), and the
// idle memory of each running hello app with APPS (default 50) running.
import path from 'node:path';
import { asToken } from '../control-plane/test/helpers/test-app.js';
import { activeSocket, createDockerTestApp, docker, helloApp, newUser, writeAsUser, wsgiFile } from '../control-plane/test/helpers/docker-app.js';
import { copyFixture, writeWsgiFile } from '../control-plane/test/helpers/fixtures.js';
import { runAsUser } from '../control-plane/test/helpers/one-off.js';
import { getViaSocket } from '../control-plane/test/helpers/unix-get.js';
import { userDirs } from '../control-plane/src/domain/layout.js';

const RUNS = 10;
const APPS = Number(process.env.APPS ?? 50);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function untilBody(socket: string, host: string, want: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await getViaSocket(socket, '/', 2000, host).catch(() => null);
    if (res?.status === 200 && res.body.includes(want)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${host}: "${want}" not served within ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const t = await createDockerTestApp({ PYHOST_LOG_LEVEL: 'warn' });
  try {
    const { user, uid } = await newUser(t.app);
    const api = (p: string) => `/api/v0/user/${user.username}/webapps/${p}`;
    const home = userDirs(t.dataDir, user.username).home;
    const socketOf = (domain: string) => activeSocket(t, domain);

    await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
    await runAsUser({ uid, username: user.username, home, workdir: `/home/${user.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });

    const kinds = {
      hello: { prepare: async (_d: string) => {}, expect: 'Hello, World!', patch: {} },
      django: {
        prepare: (d: string) => writeWsgiFile(wsgiFile(t, user, d), `/home/${user.username}/blog`, { uid, gid: uid }),
        expect: 'Pyhost blog',
        patch: { source_directory: `/home/${user.username}/blog` },
      },
    };
    const rows: string[] = [];
    for (const [kind, k] of Object.entries(kinds)) {
      const creates: number[] = [];
      const reloads: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const domain = `${kind}${i}.${user.username}.localhost`;
        await k.prepare(domain);
        const t0 = performance.now();
        await t.app.inject({ method: 'POST', url: api(''), headers: asToken(user.token), payload: { domain_name: domain } });
        if (Object.keys(k.patch).length) await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(user.token), payload: k.patch });
        await untilBody(socketOf(domain), domain, k.expect);
        creates.push(performance.now() - t0);

        if (kind === 'hello') writeAsUser(wsgiFile(t, user, domain), helloApp(`new code ${i}`), uid);
        else writeAsUser(path.join(home, 'blog/posts/templates/posts/index.html'), `<h1>Pyhost blog, new code ${i}</h1>`, uid);
        const t1 = performance.now();
        const res = await t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(user.token) });
        if (res.statusCode !== 200) throw new Error(`reload ${domain}: ${res.body}`);
        await untilBody(socketOf(domain), domain, `new code ${i}`);
        reloads.push(performance.now() - t1);
        await t.app.inject({ method: 'DELETE', url: api(`${domain}/`), headers: asToken(user.token) });
      }
      rows.push(`| ${kind} | ${fmt(median(creates))} | ${fmt(median(reloads))} |`);
    }
    console.log(`\n| app (uWSGI, 1 worker) | create → first response (median of ${RUNS}) | reload → new code (median of ${RUNS}) |`);
    console.log('| --- | ---: | ---: |');
    for (const r of rows) console.log(r);

    // Idle memory with APPS hello apps running.
    for (let i = 0; i < APPS; i++) {
      await t.app.inject({ method: 'POST', url: api(''), headers: asToken(user.token), payload: { domain_name: `idle${i}.${user.username}.localhost` } });
    }
    for (let i = 0; i < APPS; i++) await untilBody(socketOf(`idle${i}.${user.username}.localhost`), 'x', 'Hello, World!');
    await new Promise((r) => setTimeout(r, 5000));
    const usages: number[] = [];
    for (const c of await docker.listContainers({ filters: { label: [`io.pyhost.instance=${t.app.instanceId}`] } })) {
      const s = (await docker.getContainer(c.Id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: Record<string, number> } };
      const m = s.memory_stats;
      // cgroup v1 counts page cache in usage; subtract it as `docker stats` does.
      const cache = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? m.stats?.cache ?? 0;
      usages.push(((m.usage ?? 0) - cache) / 1024 / 1024);
    }
    const total = usages.reduce((a, b) => a + b, 0);
    console.log(`\n| running hello apps (uWSGI, 1 worker) | median per app | max per app | all apps |`);
    console.log('| ---: | ---: | ---: | ---: |');
    console.log(`| ${usages.length} | ${median(usages).toFixed(1)} MiB | ${Math.max(...usages).toFixed(1)} MiB | ${total.toFixed(0)} MiB |`);
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
