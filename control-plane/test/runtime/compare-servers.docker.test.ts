import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { activeSocket, createDockerTestApp, newUser, waitForState, wsgiFile, type DockerTestApp } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { copyFixture, writeWsgiFile } from '../helpers/fixtures.js';
import { runAsUser } from '../helpers/one-off.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { userDirs } from '../../src/domain/layout.js';
import { createDockerRuntime } from '../../src/runtime/index.js';
import { compareRoot } from '../../src/services/compare/compare-workload.js';
import type { CompareRun } from '../../src/schemas/compare.js';

/** Compare servers on the article's Django blog: every server measured, the live app untouched, nothing left behind. */
describe('compare servers on the Docker Engine', () => {
  let t: DockerTestApp;
  let dora: TestUser;
  let uid: number;
  let home: string;
  const domain = () => `blog.${dora.username}.localhost`;
  const api = (p: string) => `/api/v0/user/${dora.username}/webapps/${p}`;

  beforeAll(async () => {
    t = await createDockerTestApp();
    ({ user: dora, uid } = await newUser(t.app));
    home = userDirs(t.dataDir, dora.username).home;
    await copyFixture('django-blog', path.join(home, 'blog'), { uid, gid: uid });
    await runAsUser({ uid, username: dora.username, home, workdir: `/home/${dora.username}/blog`, cmd: ['python3', 'manage.py', 'migrate', '--noinput'] });
    await writeWsgiFile(wsgiFile(t, dora, domain()), `/home/${dora.username}/blog`, { uid, gid: uid });
    const res = await t.app.inject({ method: 'POST', url: api(''), headers: asToken(dora.token), payload: { domain_name: domain() } });
    expect(res.statusCode, res.body).toBe(201);
    const p = await t.app.inject({ method: 'PATCH', url: api(`${domain()}/`), headers: asToken(dora.token), payload: { source_directory: `/home/${dora.username}/blog` } });
    expect(p.statusCode, p.body).toBe(200);
    await waitForState(t.app, dora, domain(), 'running');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('measures runserver, gunicorn and uWSGI at 1, 10 and 20 connections and removes its containers', async () => {
    const db = path.join(home, 'blog', 'db.sqlite3');
    const dbBefore = fs.statSync(db);
    const liveSocket = activeSocket(t, domain());
    const started = await t.app.inject({ method: 'POST', url: api(`${domain()}/compare/`), headers: asToken(dora.token), payload: { path: '/', seconds: 1 } });
    expect(started.statusCode, started.body).toBe(202);
    const run = started.json<CompareRun>();
    expect(run.state).toBe('running');

    const again = await t.app.inject({ method: 'POST', url: api(`${domain()}/compare/`), headers: asToken(dora.token), payload: {} });
    expect(again.statusCode, again.body).toBe(409);
    // The live app serves meanwhile.
    expect((await getViaSocket(liveSocket, '/', 5000, domain())).status).toBe(200);

    const done = await eventually(async () => {
      const r = (await t.app.inject({ method: 'GET', url: api(`${domain()}/compare/${run.id}/`), headers: asToken(dora.token) })).json<CompareRun>();
      if (r.state === 'running') throw new Error('still running');
      return r;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(done.state, JSON.stringify(done)).toBe('done');
    expect(done.servers.map((s) => s.server)).toEqual(['runserver', 'gunicorn', 'uwsgi']);
    for (const s of done.servers) {
      expect(s.start_error, s.server).toBeNull();
      expect(s.levels.map((l) => l.connections)).toEqual([1, 10, 20]);
      expect(s.levels[0]!.requests_per_second, s.server).toBeGreaterThan(0);
    }
    for (const s of done.servers.filter((x) => x.production)) expect(s.levels.every((l) => !l.error), JSON.stringify(s)).toBe(true);
    expect(['gunicorn', 'uwsgi']).toContain(done.winner);
    expect(done.summary).toMatch(/runserver/);

    // No candidate container, no run folder, the live app and its files as they were.
    const left = (await createDockerRuntime({ socketPath: t.config.dockerSocket }).list(t.app.instanceId)).filter((c) => c.labels.kind === 'compare');
    expect(left).toEqual([]);
    expect(fs.readdirSync(compareRoot(t.dataDir))).toEqual([]);
    expect(fs.statSync(db).mtimeMs).toBe(dbBefore.mtimeMs);
    expect((await getViaSocket(liveSocket, '/', 5000, domain())).status).toBe(200);

    const list = (await t.app.inject({ method: 'GET', url: api(`${domain()}/compare/`), headers: asToken(dora.token) })).json<CompareRun[]>();
    expect(list.map((r) => r.id)).toEqual([run.id]);
    // Each candidate had the live app's hardening, and saw the home and WSGI files read-only.
    const candidates = (await Promise.all(t.inspected.values())).filter((i) => i?.Config.Labels['io.pyhost.kind'] === 'compare');
    expect(candidates.length).toBeGreaterThan(0);
    for (const info of candidates) {
      expect(info!.Config.User).toBe(`${uid}:${uid}`);
      expect(info!.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], NetworkMode: 'none', SecurityOpt: ['no-new-privileges'] });
      const ro = Object.fromEntries(info!.Mounts.map((m) => [m.Destination, m.RW]));
      expect(ro).toMatchObject({ [`/home/${dora.username}`]: false, '/var/www': false, [`/home/${dora.username}/blog`]: true });
    }
  }, 120_000);
});
