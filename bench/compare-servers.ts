// Compare servers on the article's Django blog, on this machine, run by hand
// (root, the Docker Engine and the runtime image: `bash scripts/setup.sh`):
//
//   npx tsx bench/compare-servers.ts
//   SECONDS_PER_LEVEL=3 npx tsx bench/compare-servers.ts
//
// Production settings (the account's default CPU and memory, one worker),
// the feature's own API (POST …/compare/), printed as the article's table
// beside the article's numbers. The README keeps one run.
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asToken } from '../control-plane/test/helpers/test-app.js';
import { createDockerTestApp, newUser, waitForState, wsgiFile } from '../control-plane/test/helpers/docker-app.js';
import { copyFixture, writeWsgiFile } from '../control-plane/test/helpers/fixtures.js';
import { runAsUser } from '../control-plane/test/helpers/one-off.js';
import { DEFAULT_SECONDS_PER_LEVEL } from '../control-plane/src/domain/compare-servers.js';
import { userDirs } from '../control-plane/src/domain/layout.js';
import type { CompareRun } from '../control-plane/src/schemas/compare.js';

const SECONDS = Number(process.env.SECONDS_PER_LEVEL ?? DEFAULT_SECONDS_PER_LEVEL);
const ARTICLE: Record<string, string[]> = { runserver: ['282.64', '309.96', 'Error'], gunicorn: ['303.72', '1069.58', '1399.85'], uwsgi: ['406.46', '1024.38', '1303.43'] };

async function main(): Promise<void> {
  const t = await createDockerTestApp({ PYHOST_LOG_LEVEL: 'warn' });
  try {
    const { user, uid } = await newUser(t.app);
    const home = userDirs(t.dataDir, user.username).home;
    const domain = `blog.${user.username}.localhost`;
    const api = (p: string) => `/api/v0/user/${user.username}/webapps/${p}`;
    await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
    await runAsUser({ uid, username: user.username, home, workdir: `/home/${user.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });
    await writeWsgiFile(wsgiFile(t, user, domain), `/home/${user.username}/blog`, { uid, gid: uid });
    await t.app.inject({ method: 'POST', url: api(''), headers: asToken(user.token), payload: { domain_name: domain } });
    await t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(user.token), payload: { source_directory: `/home/${user.username}/blog` } });
    await waitForState(t.app, user, domain, 'running');

    console.log(`load average at start: ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    const t0 = Date.now();
    const started = (await t.app.inject({ method: 'POST', url: api(`${domain}/compare/`), headers: asToken(user.token), payload: { path: '/', seconds: SECONDS } })).json<CompareRun>();
    let run = started;
    for (let i = 0; i < 240 && run.state === 'running'; i++) {
      await sleep(500);
      run = (await t.app.inject({ url: api(`${domain}/compare/${started.id}/`), headers: asToken(user.token) })).json<CompareRun>();
    }
    console.log(`run ${run.state} in ${((Date.now() - t0) / 1000).toFixed(1)} s; load average at end: ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    if (run.error) console.log(run.error);
    console.log('\n| server | c=1 | c=10 | c=20 | article c=1 / 10 / 20 |\n| --- | ---: | ---: | ---: | ---: |');
    for (const s of run.servers) {
      const cells = s.levels.map((l) => (l.error ? `Error (${l.errors}/${l.requests})` : `${l.requests_per_second.toFixed(0)} (p50 ${l.p50_ms} / p99 ${l.p99_ms} ms)`));
      console.log(`| ${s.label} | ${cells.join(' | ')} | ${(ARTICLE[s.server] ?? []).join(' / ')} |`);
    }
    console.log(`\nwinner: ${run.winner}\n${run.summary}`);
  } finally {
    await t.close();
  }
}

await main();
