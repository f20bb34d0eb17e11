import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers/test-app.js';
import { createDockerTestApp, newUser, type DockerTestApp } from '../helpers/docker-app.js';
import { getConsole, openTerminal, startConsole, type Terminal } from '../helpers/consoles.js';

/** The browser's terminal: WebSocket → TTY exec on the real engine, through a listening server. */
describe('console WebSocket', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let bob: TestUser;
  let base: string;
  const open: Terminal[] = [];

  beforeAll(async () => {
    t = await createDockerTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    ({ user: alice } = await newUser(t.app));
    ({ user: bob } = await newUser(t.app));
  });
  afterAll(async () => {
    for (const term of open) term.socket.terminate();
    await t?.close();
  });

  async function connect(user: TestUser, id: number, options: Parameters<typeof openTerminal>[3] = { cookie: user.cookie }) {
    const term = await openTerminal(base, user, id, options);
    open.push(term);
    return term;
  }

  it('types, reads, resizes, and reattaches with the output that came while nobody watched', async () => {
    const c = await startConsole(t.app, alice);
    const term = await connect(alice, c.id, { cookie: alice.cookie, origin: base });
    term.type('echo hi-$((40+2))\r');
    await term.waitFor('hi-42');
    term.resize(120, 40);
    term.type('stty size\r');
    await term.waitFor(/\r40 120\r\n/);

    // A command that is still running when the tab closes goes on without it.
    term.type('sleep 1.5; echo "later-$((2*3))"\r');
    await term.close();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await getConsole(t.app, alice, c.id)).state).toBe('running');

    const again = await connect(alice, c.id);
    await again.waitFor('later-6');
    expect(again.text()).toContain('hi-42'); // replayed from before the disconnect
    again.type('echo still-$((3+4))\r');
    await again.waitFor('still-7');
  });

  it('passes Ctrl-C to the program and tells the browser when the console ends', async () => {
    const c = await startConsole(t.app, alice);
    const term = await connect(alice, c.id);
    term.type('sleep 100\r');
    await new Promise((r) => setTimeout(r, 500));
    term.type('\x03');
    term.type('echo "interrupted-$?"\r');
    await term.waitFor('interrupted-130');
    term.type('exit 3\r');
    expect(await term.closed).toMatchObject({ code: 1000 });
    expect(term.events).toEqual([{ type: 'exit', code: 3, reason: 'the process exited with status 3' }]);

    // Reopening an ended console replays its output and says it ended.
    const late = await connect(alice, c.id);
    await late.closed;
    expect(late.text()).toContain('interrupted-130');
    expect(late.events[0]).toMatchObject({ type: 'exit', code: 3 });
  });

  it('keeps only a bounded scrollback of a flood and stays responsive', async () => {
    const c = await startConsole(t.app, alice);
    const term = await connect(alice, c.id);
    term.type('seq 1 300000; echo "flood-$((1+1))"\r');
    await term.waitFor('flood-2', 30_000);
    await term.close();
    const replay = await connect(alice, c.id);
    await replay.waitFor('flood-2');
    const text = replay.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256 * 1024);
    expect(text).toContain('\r\n300000\r\n');
    expect(text).not.toContain('\r\n1\r\n2\r\n3\r\n');
    replay.type('echo ok-$((5*5))\r');
    await replay.waitFor('ok-25');
  });

  it("refuses strangers, anonymous callers and other sites before the upgrade", async () => {
    const c = await startConsole(t.app, alice);
    const refused = async (user: TestUser, options: Parameters<typeof openTerminal>[3]) =>
      openTerminal(base, user, c.id, options).then(
        () => 'opened',
        (err: { status?: number }) => err.status,
      );
    expect(await refused(alice, { cookie: bob.cookie })).toBe(404);
    expect(await refused(bob, { cookie: bob.cookie })).toBe(404); // alice's id under bob's name
    expect(await refused(alice, {})).toBe(401);
    expect(await refused(alice, { cookie: alice.cookie, origin: 'http://evil.example' })).toBe(403);
    expect(await refused(alice, { cookie: 'pyhost_session=forged' })).toBe(401);
    // Scripts may use their token instead of the cookie.
    const viaToken = await connect(alice, c.id, { token: alice.token });
    viaToken.type('echo token-$((1+1))\r');
    await viaToken.waitFor('token-2');
  });
});
