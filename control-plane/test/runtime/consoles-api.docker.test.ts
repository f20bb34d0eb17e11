import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { createDockerTestApp, docker, newUser, type DockerTestApp } from '../helpers/docker-app.js';
import { expectHardened } from '../helpers/hardening.js';
import { copyDir, fixturePath } from '../helpers/fixtures.js';
import { eventually } from '../helpers/eventually.js';
import { consolesUrl, getConsole, latestOutput, run, sendInput, startConsole, waitForConsoleState } from '../helpers/consoles.js';

/** Consoles for real, through the PythonAnywhere-shaped API: containers and TTY execs on the Docker Engine. */
describe('consoles on the Docker Engine', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let aliceUid: number;
  let bob: TestUser;

  beforeAll(async () => {
    t = await createDockerTestApp({ PYHOST_CONSOLES_PER_USER: '3' });
    ({ user: alice, uid: aliceUid } = await newUser(t.app));
    ({ user: bob } = await newUser(t.app));
  });
  afterAll(async () => {
    await t?.close();
  });

  const consoleContainers = (username: string) =>
    docker.listContainers({ all: true, filters: { label: [`io.pyhost.instance=${t.app.instanceId}`, 'io.pyhost.kind=console', `io.pyhost.user=${username}`] } });

  it('starts Bash in the home folder with the environment PythonAnywhere users expect, in a hardened container', async () => {
    const c = await startConsole(t.app, alice);
    expect(c).toMatchObject({ executable: 'bash', arguments: '', working_directory: null, name: `Bash console ${c.id}`, state: 'running' });
    const out = await run(t.app, alice, c.id, 'whoami; echo "home=$HOME"; pwd; python --version; python3 -m pip --version; pip --version; django-admin --version; git --version; nano --version | head -1; command -v vi vim.tiny');
    expect(out).toContain(`\n${alice.username}\n`);
    expect(out).toContain(`home=/home/${alice.username}`);
    expect(out).toContain(`\n/home/${alice.username}\n`);
    expect(out).toMatch(/Python 3\.11/);
    expect(out).toMatch(/pip \d+.*python 3\.11/);
    expect(out).toMatch(/\n3\.2\.\d+\n/); // Django
    expect(out).toMatch(/git version/);
    expect(out).toMatch(/GNU nano/);
    expect(out).toContain('/usr/bin/vim.tiny');
    // The prompt names the user, not "I have no name!".
    expect(await latestOutput(t.app, alice, c.id)).toContain(`${alice.username}@pyhost:~$`);

    const [summary] = await consoleContainers(alice.username);
    expectHardened(await docker.getContainer(summary!.Id).inspect(), { uid: aliceUid, username: alice.username });
    // Consoles need no network: packages install from local folders.
    expect((await run(t.app, alice, c.id, 'ls /sys/class/net')).trim().split('\n').pop()).toBe('lo');
  });

  it('keeps packages installed with pip install --user and virtualenvs in the home folder, across console containers', async () => {
    const home = userDirs(t.dataDir, alice.username).home;
    await copyDir(fixturePath('pkg-hello'), path.join(home, 'pkg-hello'), { uid: aliceUid, gid: aliceUid });
    const c = await startConsole(t.app, alice);
    const install = await run(t.app, alice, c.id, 'pip install --user --no-index --no-build-isolation ~/pkg-hello 2>&1 | tail -1', 60_000);
    expect(install).toMatch(/Successfully installed pyhost-hello/);
    const venv = await run(t.app, alice, c.id, 'python3 -m venv --system-site-packages ~/.virtualenvs/hello && ~/.virtualenvs/hello/bin/pip install --no-index --no-build-isolation ~/pkg-hello 2>&1 | tail -1', 90_000);
    expect(venv).toMatch(/Successfully installed pyhost-hello/);
    expect(fs.readdirSync(path.join(home, '.local/lib/python3.11/site-packages')).join(' ')).toMatch(/pyhost_hello/);

    // A brand-new container (the old one removed with its consoles) still finds both.
    for (const s of await consoleContainers(alice.username)) await docker.getContainer(s.Id).remove({ force: true });
    await waitForConsoleState(t.app, alice, c.id, 'exited');
    const again = await startConsole(t.app, alice);
    const check = await run(t.app, alice, again.id, 'python -c "import pyhost_hello; print(pyhost_hello.greet())"; ~/.virtualenvs/hello/bin/python -c "import pyhost_hello, sys; print(sys.prefix)"');
    expect(check).toContain('hello from a virtualenv');
    expect(check).toContain(`/home/${alice.username}/.virtualenvs/hello`);
  });

  it('runs Python with arguments in a working directory and keeps the output after the process exits', async () => {
    fs.mkdirSync(path.join(userDirs(t.dataDir, bob.username).home, 'proj'));
    const c = await startConsole(t.app, bob, { executable: 'python3', arguments: `-c "import os; print('cwd=' + os.getcwd(), 6 * 7)"`, working_directory: '~/proj' });
    expect(c.working_directory).toBe(`/home/${bob.username}/proj`);
    const done = await waitForConsoleState(t.app, bob, c.id, 'exited');
    expect(done).toMatchObject({ exit_code: 0, exit_reason: 'the process exited with status 0' });
    expect(await latestOutput(t.app, bob, c.id)).toContain(`cwd=/home/${bob.username}/proj 42`);
    const send = await t.app.inject({ method: 'POST', url: consolesUrl(bob, `${c.id}/send_input/`), headers: asToken(bob.token), payload: { input: 'x' } });
    expect(send.statusCode).toBe(409);
  });

  it('runs an interactive Python console', async () => {
    const c = await startConsole(t.app, bob, { executable: 'python3' });
    await sendInput(t.app, bob, c.id, 'print(6 * 7)\n');
    await eventually(async () => expect(await latestOutput(t.app, bob, c.id)).toMatch(/>>> print\(6 \* 7\)\n42\n>>> $/), { timeoutMs: 10_000 });
    await sendInput(t.app, bob, c.id, 'exit()\n');
    expect((await waitForConsoleState(t.app, bob, c.id, 'exited')).exit_code).toBe(0);
  });

  it('refuses bad input with a 400 that names the field', async () => {
    for (const [payload, field] of [
      [{ working_directory: '/home/nobody-else' }, 'working_directory'],
      [{ working_directory: '~/does-not-exist' }, 'working_directory'],
      [{ executable: 'bash; rm -rf ~' }, 'executable'],
      [{ arguments: '"unclosed' }, 'arguments'],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url: consolesUrl(bob), headers: asToken(bob.token), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });

  it("answers 404 for another user's console, whatever the method", async () => {
    const c = await startConsole(t.app, alice);
    for (const [method, rest] of [['GET', ''], ['DELETE', ''], ['GET', 'get_latest_output/'], ['POST', 'send_input/']] as const) {
      const res = await t.app.inject({ method, url: `/api/v0/user/${alice.username}/consoles/${c.id}/${rest}`, headers: asToken(bob.token), payload: method === 'POST' ? { input: 'id\n' } : undefined });
      expect(res.statusCode, `${method} ${rest}`).toBe(404);
      // Nor does a console id under one's own name reach someone else's.
      const own = await t.app.inject({ method, url: consolesUrl(bob, `${c.id}/${rest}`), headers: asToken(bob.token), payload: method === 'POST' ? { input: 'id\n' } : undefined });
      expect(own.statusCode, `own ${method} ${rest}`).toBe(404);
    }
    expect((await getConsole(t.app, alice, c.id)).state).toBe('running');
  });

  it('limits open consoles per user; ended ones make room', async () => {
    const carol = (await newUser(t.app)).user;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await startConsole(t.app, carol)).id);
    const refused = await t.app.inject({ method: 'POST', url: consolesUrl(carol), headers: asToken(carol.token), payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/limit is 3 consoles open at once \(limit "consoles"\); close one/);
    await sendInput(t.app, carol, ids[0]!, 'exit\n');
    await waitForConsoleState(t.app, carol, ids[0]!, 'exited');
    await startConsole(t.app, carol);
    const list = (await t.app.inject({ url: consolesUrl(carol), headers: asToken(carol.token) })).json();
    expect(list.map((c: { id: number }) => c.id)).not.toContain(ids[0]);
    expect(list).toHaveLength(3);
  });

  it('stops a command on Ctrl-C, ends on exit, and leaves no process behind when killed', async () => {
    const c = await startConsole(t.app, bob);
    await sendInput(t.app, bob, c.id, 'sleep 300\n');
    await eventually(async () => expect(await processes(bob.username)).toContain('sleep 300'));
    await sendInput(t.app, bob, c.id, '\x03');
    expect(await run(t.app, bob, c.id, 'echo "after-ctrl-c $?"')).toContain('after-ctrl-c 130');
    expect(await processes(bob.username)).not.toContain('sleep 300');

    await sendInput(t.app, bob, c.id, 'exit\n');
    expect(await waitForConsoleState(t.app, bob, c.id, 'exited')).toMatchObject({ exit_code: 0 });

    const k = await startConsole(t.app, bob);
    await sendInput(t.app, bob, k.id, 'sleep 301 & sleep 302\n');
    await eventually(async () => expect(await processes(bob.username)).toContain('sleep 302'));
    const del = await t.app.inject({ method: 'DELETE', url: consolesUrl(bob, `${k.id}/`), headers: asToken(bob.token) });
    expect(del.statusCode).toBe(204);
    const left = await processes(bob.username);
    expect(left).not.toMatch(/sleep 30[12]/);
    expect((await t.app.inject({ url: consolesUrl(bob, `${k.id}/`), headers: asToken(bob.token) })).statusCode).toBe(404);
  });

  async function processes(username: string): Promise<string> {
    const [summary] = await consoleContainers(username);
    const top = await docker.getContainer(summary!.Id).top({ ps_args: '-eo pid,args' });
    return top.Processes.map((p: string[]) => p.join(' ')).join('\n');
  }
});
