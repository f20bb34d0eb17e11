import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs, websiteGenerationRunDir } from '../../src/domain/layout.js';
import { createDockerTestApp, newUser, writeAsUser, type DockerTestApp } from '../helpers/docker-app.js';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { FASTAPI } from '../helpers/website-apps.js';

/** Binds $DOMAIN_SOCKET and listens, but never answers what it accepts. */
const MUTE_SOCKET = `import os, socket, time
s = socket.socket(socket.AF_UNIX)
s.bind(os.environ['DOMAIN_SOCKET'])
s.listen()
time.sleep(600)
`;

const RELOAD_TIMEOUT_S = 4;

/**
 * A website's reload fails with the cause named (docs/websites.md, "Reload,
 * start and failures"), for real commands in the runtime image; each time
 * the serving version stays.
 */
describe("website reload errors name the command's mistake", () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let uid: number;
  const domain = () => `errs.${alice.username}.localhost`;
  const api = (rest = '') => `/api/v1/user/${alice.username}/websites/${rest}`;
  const home = (...p: string[]) => path.join(userDirs(t.dataDir, alice.username).home, ...p);

  beforeAll(async () => {
    t = await createDockerTestApp({ PYHOST_RELOAD_TIMEOUT_SECONDS: String(RELOAD_TIMEOUT_S) });
    ({ user: alice, uid } = await newUser(t.app));
    writeAsUser(home('api', 'main.py'), FASTAPI('serving'), uid);
    writeAsUser(home('api', 'mute.py'), MUTE_SOCKET, uid);
    const res = await t.app.inject({ method: 'POST', url: api(), headers: asToken(alice.token), payload: { domain_name: domain(), enabled: true, webapp: { command: 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app' } } });
    expect(res.json(), res.body).toMatchObject({ state: 'running' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Sets the command the way the store keeps it, reloads, and checks the old version still answers. */
  async function reloadWith(command: string) {
    const site = t.app.stores.websites.byDomain(domain())!;
    t.app.stores.websites.setCommand(site.id, command);
    const t0 = Date.now();
    const res = await t.app.inject({ method: 'POST', url: api(`${domain()}/reload/`), headers: asToken(alice.token) });
    const tookMs = Date.now() - t0;
    expect(res.statusCode, res.body).toBe(422);
    const now = t.app.stores.websites.byDomain(domain())!;
    const socket = path.join(websiteGenerationRunDir(t.dataDir, now.id, now.active_generation), 'app.sock');
    expect(await getViaSocket(socket, '/', 5000, domain())).toEqual({ status: 200, body: 'serving' });
    return { detail: res.json<{ detail: string; log_tail: string }>().detail, logTail: res.json<{ log_tail: string }>().log_tail, tookMs };
  }

  it('a command that exits at once: its exit code and how long it ran, with the error log', async () => {
    const { detail, logTail, tookMs } = await reloadWith('echo "no such project" >&2; exit 3');
    expect(detail).toMatch(/^the command exited with code 3 after [\d.]+ s before listening on \$DOMAIN_SOCKET/);
    expect(detail).toMatch(/previous version keeps serving/);
    expect(logTail).toContain('no such project');
    expect(tookMs).toBeLessThan(RELOAD_TIMEOUT_S * 1000);
  }, 30_000);

  it('a command that binds TCP instead of the socket: the port, and the flag to pass', async () => {
    const { detail } = await reloadWith('cd ~/api && uvicorn main:app');
    expect(detail).toMatch(/^the command listens on TCP port 8000, not on the unix socket \$DOMAIN_SOCKET: pass --uds \$DOMAIN_SOCKET \(uvicorn\) \/ --bind unix:\$DOMAIN_SOCKET \(gunicorn\)/);
  }, 30_000);

  it('a command that prints nothing and never listens fails within the load limit, saying so', async () => {
    const { detail, tookMs } = await reloadWith('sleep 600');
    expect(detail).toMatch(new RegExp(`^the command printed nothing and never created \\$DOMAIN_SOCKET within ${RELOAD_TIMEOUT_S} s`));
    expect(tookMs).toBeLessThan(RELOAD_TIMEOUT_S * 1000 + 5000);
  }, 30_000);

  it('a socket that does not answer HTTP', async () => {
    const { detail } = await reloadWith('python3 ~/api/mute.py');
    expect(detail).toMatch(/^the command created \$DOMAIN_SOCKET but it did not answer an HTTP request within \d+ s/);
  }, 30_000);
});
