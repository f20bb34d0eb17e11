import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivesDir, userDirs, webappRunDir } from '../../src/domain/layout.js';
import { adminToken, asToken, type TestUser } from '../helpers/test-app.js';
import { activeSocket, createDockerTestApp, docker, newUser, waitForState, type DockerTestApp } from '../helpers/docker-app.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { startConsole } from '../helpers/consoles.js';
import { eventually } from '../helpers/eventually.js';

/**
 * An account's life on the real engine: disabling stops its web apps (its
 * sites answer the router's "disabled" page), enabling starts them again,
 * and deleting leaves no container, run folder or users/ folder of it
 * (the files erased, or moved into an archive).
 */
describe('disabling, enabling and deleting accounts on the Docker Engine', () => {
  let t: DockerTestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await createDockerTestApp();
    admin = asToken(await adminToken(t.app));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Every container of the user's, in any state, found by label. */
  const containersOf = (user: TestUser) =>
    docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.user=${user.username}`] } });
  const routeOf = (domain: string) => t.app.stores.routeRows.snapshot().webapps.find((r) => r.domain_name === domain);

  async function userWithApp(): Promise<{ user: TestUser; domain: string; webappId: number }> {
    const { user } = await newUser(t.app);
    const domain = `${user.username}.localhost`;
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
    await waitForState(t.app, user, domain, 'running');
    expect((await getViaSocket(activeSocket(t, domain), '/', 5000, domain)).status).toBe(200);
    return { user, domain, webappId: t.app.stores.webapps.byDomain(domain)!.id };
  }

  /** An always-on task of the user's, once its container runs. */
  async function alwaysOnTask(user: TestUser): Promise<void> {
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/always_on/`, headers: asToken(user.token), payload: { command: 'sleep 600' } });
    expect(res.statusCode, res.body).toBe(201);
    await eventually(async () => {
      expect((await containersOf(user)).filter((c) => c.Labels['io.pyhost.kind'] === 'always_on' && c.State === 'running')).toHaveLength(1);
    }, { timeoutMs: 30_000 });
  }

  it('disabling stops the web app (its route answers "disabled") and tasks; enabling starts and serves it again', async () => {
    const { user, domain } = await userWithApp();
    await alwaysOnTask(user);
    const res = await t.app.inject({ method: 'POST', url: `/api/admin/users/${user.username}/disable`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(await containersOf(user)).toEqual([]);
    expect(routeOf(domain)).toMatchObject({ account_disabled: 1, enabled: 1 });
    // The reconciler leaves it stopped.
    await t.app.services.reconciler.trigger();
    expect(await containersOf(user)).toEqual([]);

    const enabled = await t.app.inject({ method: 'POST', url: `/api/admin/users/${user.username}/enable`, headers: admin });
    expect(enabled.statusCode, enabled.body).toBe(200);
    expect(routeOf(domain)).toMatchObject({ account_disabled: 0 });
    // The account's token was revoked with it: the app is watched through its socket.
    const served = await eventually(async () => {
      const r = await getViaSocket(activeSocket(t, domain), '/', 5000, domain);
      expect(r.status).toBe(200);
      return r;
    }, { timeoutMs: 30_000 });
    expect(served.body).toContain('Hello');
  });

  it('deleting with "archive" removes every container (web app, console, task) and the run folder, and moves the files into an archive', async () => {
    const { user, webappId } = await userWithApp();
    await startConsole(t.app, user);
    await alwaysOnTask(user);
    expect((await containersOf(user)).map((c) => c.Labels['io.pyhost.kind']).sort()).toEqual(['always_on', 'console', 'webapp']);
    fs.writeFileSync(path.join(userDirs(t.dataDir, user.username).home, 'project.py'), 'print("mine")\n');
    const res = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${user.username}`, headers: admin, payload: { confirm: user.username, files: 'archive' } });
    expect(res.statusCode, res.body).toBe(200);
    const { archive } = res.json<{ archive: string }>();
    expect(await containersOf(user)).toEqual([]);
    expect(fs.existsSync(webappRunDir(t.dataDir, webappId))).toBe(false);
    expect(fs.existsSync(userDirs(t.dataDir, user.username).root)).toBe(false);
    const members = execFileSync('tar', ['--list', '--gzip', '--file', path.join(archivesDir(t.dataDir), archive)], { encoding: 'utf8' }).split('\n');
    expect(members).toContain('pyhost-account.json');
    expect(members).toContain(`${user.username}/home/project.py`);
  });

  it('deleting with "erase" removes every container, the run folder and the files', async () => {
    const { user, webappId } = await userWithApp();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${user.username}`, headers: admin, payload: { confirm: user.username, files: 'erase' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ archive: null });
    expect(await containersOf(user)).toEqual([]);
    expect(fs.existsSync(webappRunDir(t.dataDir, webappId))).toBe(false);
    expect(fs.existsSync(userDirs(t.dataDir, user.username).root)).toBe(false);
    expect(fs.readdirSync(archivesDir(t.dataDir)).filter((n) => n.startsWith(`${user.username}-`))).toEqual([]);
    // The reconciler finds nothing of theirs to bring back.
    await t.app.services.reconciler.trigger();
    expect(await containersOf(user)).toEqual([]);
  });
});
