import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsersStore } from '../../src/store/users-store.js';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { createDockerTestApp, docker, newUser, type DockerTestApp } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { consolesUrl, getConsole, run, sendInput, startConsole } from '../helpers/consoles.js';

const PIDS = 64;

/** What must not get out of hand: fork bombs, idle consoles, consoles of deleted users. */
describe('console limits on the Docker Engine', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    t = await createDockerTestApp({ PYHOST_APP_PIDS: String(PIDS), PYHOST_CONSOLE_IDLE_MINUTES: '5' });
    ({ user: alice } = await newUser(t.app));
    ({ user: bob } = await newUser(t.app));
  });
  afterAll(async () => {
    await t?.close();
  });

  const containersOf = (username: string) =>
    docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, 'io.pyhost.kind=console', `io.pyhost.user=${username}`] } });

  it('contains a fork bomb in its own container; killing the console ends it and leaves nothing behind', async () => {
    const bystander = await startConsole(t.app, bob);
    const bomb = await startConsole(t.app, alice);
    const [box] = await containersOf(alice.username);
    await sendInput(t.app, alice, bomb.id, ':(){ :|:& };:\n');
    try {
      // The bomb fills its pids limit within moments…
      await eventually(
        async () => {
          const stats = await docker.getContainer(box!.Id).stats({ stream: false });
          expect(stats.pids_stats?.current ?? 0).toBeGreaterThan(PIDS / 2);
        },
        { timeoutMs: 10_000, what: 'the fork bomb to spread' },
      );
      const stats = await docker.getContainer(box!.Id).stats({ stream: false });
      expect(stats.pids_stats?.current ?? 0).toBeLessThanOrEqual(PIDS);
      // …and nothing else notices: another user's console and the API answer.
      expect(await run(t.app, bob, bystander.id, 'echo "bystander-$((20+1))"', 10_000)).toContain('bystander-21');
      expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    } finally {
      const started = Date.now();
      const del = await t.app.inject({ method: 'DELETE', url: consolesUrl(alice, `${bomb.id}/`), headers: asToken(alice.token) });
      expect(del.statusCode).toBe(204);
      expect(Date.now() - started).toBeLessThan(20_000);
    }
    // No process of the bomb survives: either the kill got through, or the container went.
    const after = await containersOf(alice.username);
    for (const c of after) {
      if (c.State !== 'running') continue;
      const top = await docker.getContainer(c.Id).top({ ps_args: '-eo pid,comm' });
      expect(top.Processes.map((p: string[]) => p[1])).not.toContain('bash');
    }
    // Alice can start again, and the bystander never stopped.
    const fresh = await startConsole(t.app, alice);
    expect(await run(t.app, alice, fresh.id, 'echo "fresh-$((1+2))"')).toContain('fresh-3');
    expect((await getConsole(t.app, bob, bystander.id)).state).toBe('running');
  });

  it('ends idle consoles, then removes the idle container', async () => {
    const carol = (await newUser(t.app)).user;
    const c = await startConsole(t.app, carol);
    await run(t.app, carol, c.id, 'sleep 1000 & true');
    const consoles = t.app.services.consoles;
    const minutes = 60_000;
    await consoles.sweepIdle(Date.now() + 4 * minutes);
    expect((await getConsole(t.app, carol, c.id)).state).toBe('running');
    await consoles.sweepIdle(Date.now() + 6 * minutes);
    const ended = await getConsole(t.app, carol, c.id);
    expect(ended).toMatchObject({ state: 'exited', exit_reason: 'the console was idle for 5 minutes' });
    const [box] = await containersOf(carol.username);
    const top = await docker.getContainer(box!.Id).top({ ps_args: '-eo pid,args' });
    expect(top.Processes.map((p: string[]) => p.join(' ')).join('\n')).not.toMatch(/sleep 1000|bash/);
    // The container itself goes once it has had no console for the idle time.
    await consoles.sweepIdle(Date.now() + 12 * minutes);
    expect(await containersOf(carol.username)).toEqual([]);
    expect((await t.app.inject({ url: consolesUrl(carol), headers: asToken(carol.token) })).json()).toEqual([]);
  });

  it("removes a deleted user's console container, and never a console in use", async () => {
    const dave = (await newUser(t.app)).user;
    await startConsole(t.app, dave);
    const erin = (await newUser(t.app)).user;
    const kept = await startConsole(t.app, erin);
    const users = new UsersStore(t.app.db);
    users.remove(users.byUsername(dave.username)!.id);
    await t.app.services.reconciler!.trigger();
    await eventually(async () => expect(await containersOf(dave.username)).toEqual([]), { timeoutMs: 15_000 });
    expect(await containersOf(erin.username)).toHaveLength(1);
    expect((await getConsole(t.app, erin, kept.id)).state).toBe('running');
  });
});
