import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, asToken, type TestUser } from '../helpers/test-app.js';
import { activeSocket, createDockerTestApp, docker, newUser, waitForState, type DockerTestApp } from '../helpers/docker-app.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { expectHardened } from '../helpers/hardening.js';
import { startConsole } from '../helpers/consoles.js';

const MiB = 1024 * 1024;

/**
 * An account's memory limit on the real engine: its web app and console
 * containers are created with it (HostConfig.Memory, swap none beyond it);
 * another account's keep the instance's default; a Reload moves a running
 * app to a changed limit.
 */
describe('memory per account on the Docker Engine', () => {
  let t: DockerTestApp;
  let ann: TestUser;
  let annUid: number;
  let bob: TestUser;

  beforeAll(async () => {
    t = await createDockerTestApp({ PYHOST_APP_MEMORY_MB: '160' });
    ({ user: ann, uid: annUid } = await newUser(t.app));
    ({ user: bob } = await newUser(t.app));
    const res = await t.app.inject({ method: 'PATCH', url: `/api/admin/users/${ann.username}/limits`, headers: asToken(await adminToken(t.app)), payload: { memory_mb: 96 } });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** `docker inspect` of the user's running containers of one kind, found by label. */
  async function inspectRunning(user: TestUser, kind: 'webapp' | 'console') {
    const list = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, `io.pyhost.kind=${kind}`, `io.pyhost.user=${user.username}`], status: ['running'] } });
    return Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
  }

  async function createApp(user: TestUser): Promise<string> {
    const domain = `${user.username}.localhost`;
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
    await waitForState(t.app, user, domain, 'running');
    return domain;
  }

  it("runs the account's web app and console in containers with its memory, and another account's with the default", async () => {
    for (const u of [ann, bob]) {
      await createApp(u);
      await startConsole(t.app, u);
    }
    for (const kind of ['webapp', 'console'] as const) {
      const [annContainer] = await inspectRunning(ann, kind);
      expect(annContainer!.HostConfig.Memory, kind).toBe(96 * MiB);
      expect(annContainer!.HostConfig.MemorySwap, kind).toBe(96 * MiB);
      expectHardened(annContainer!, { uid: annUid, username: ann.username });
      const [bobContainer] = await inspectRunning(bob, kind);
      expect(bobContainer!.HostConfig.Memory, kind).toBe(160 * MiB);
    }
  });

  it('moves a running web app to a changed limit at its next Reload, and it serves from the new container', async () => {
    const domain = `${ann.username}.localhost`;
    const [before] = await inspectRunning(ann, 'webapp');
    const admin = asToken(await adminToken(t.app));
    expect((await t.app.inject({ method: 'PATCH', url: `/api/admin/users/${ann.username}/limits`, headers: admin, payload: { memory_mb: 128 } })).statusCode).toBe(200);
    // Nothing running changes by itself.
    expect((await inspectRunning(ann, 'webapp')).map((c) => c.Id)).toEqual([before!.Id]);
    const reload = await t.app.inject({ method: 'POST', url: `/api/v0/user/${ann.username}/webapps/${domain}/reload/`, headers: asToken(ann.token) });
    expect(reload.statusCode, reload.body).toBe(200);
    const [after] = await inspectRunning(ann, 'webapp');
    expect(after!.Id).not.toBe(before!.Id);
    expect(after!.HostConfig.Memory).toBe(128 * MiB);
    const served = await getViaSocket(activeSocket(t, domain));
    expect([served.status, served.body]).toEqual([200, expect.stringContaining('Hello')]);
    expect(activeSocket(t, domain)).toContain(`/g${after!.Config.Labels['io.pyhost.generation']}/`);
  });
});
