// A crash loop inside the container (docs/runtime-contract.md, "Exit
// statuses"): the gateway restarts a server that dies soon after every
// start, gives up after five, and exits with status 3. The control plane
// must then show the app as crashed at once, with the reason, and restart
// nothing until the user fixes the code.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL_INSTANCE, LABEL_WEBAPP } from '../../src/runtime/labels.js';
import { asToken, type TestUser } from '../helpers/test-app.js';
import {
  activeSocket,
  createDockerTestApp,
  docker,
  errorLog,
  expectAllHardened,
  getWebapp,
  helloApp,
  newUser,
  waitForState,
  writeAsUser,
  wsgiFile,
  type DockerTestApp,
} from '../helpers/docker-app.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { eventually } from '../helpers/eventually.js';

// Imported by the server's master: the server dies a second after every start.
const DIES_A_SECOND_AFTER_START = `import os, threading
threading.Timer(1.0, os._exit, args=(1,)).start()

def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'up for a second']
`;

// The gateway gives up about 25 s after the first start (1 + 2 + 4 + 8 s of
// backoff and five runs of a second); the issue asks for crashed within ~40 s.
const CRASHED_WITHIN_MS = 40_000;

describe('a web app whose server dies a second after every start', () => {
  let t: DockerTestApp;
  let carol: TestUser;
  let carolUid: number;
  const api = (path: string) => `/api/v0/user/${carol.username}/webapps/${path}`;

  beforeAll(async () => {
    t = await createDockerTestApp();
    ({ user: carol, uid: carolUid } = await newUser(t.app));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Containers this instance created for the app so far (from the engine's create events). */
  async function containersCreatedFor(domain: string): Promise<number> {
    const id = String(t.app.stores.webapps.byDomain(domain)!.id);
    const infos = await Promise.all(t.inspected.values());
    return infos.filter((info) => info?.Config.Labels[LABEL_WEBAPP] === id).length;
  }

  async function createLooping(domain: string): Promise<number> {
    writeAsUser(wsgiFile(t, carol, domain), DIES_A_SECOND_AFTER_START, carolUid);
    const res = await t.app.inject({ method: 'POST', url: api(''), headers: asToken(carol.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
    return performance.now();
  }

  it('is crashed within ~40 s with the reason in the API and the error log, restarted by nobody, and a fix plus Reload (or a PATCH) runs it again', async () => {
    const byReload = `reload.${carol.username}.localhost`;
    const byPatch = `patch.${carol.username}.localhost`;
    const started = await Promise.all([createLooping(byReload), createLooping(byPatch)]);

    const crashed = await Promise.all(
      [byReload, byPatch].map(async (domain, i) => {
        const w = await waitForState(t.app, carol, domain, 'crashed', CRASHED_WITHIN_MS + 10_000);
        return { w, seconds: (performance.now() - started[i]!) / 1000 };
      }),
    );
    for (const [i, domain] of [byReload, byPatch].entries()) {
      const { w, seconds } = crashed[i]!;
      expect(seconds, `${domain} took ${seconds.toFixed(1)} s`).toBeLessThan(CRASHED_WITHIN_MS / 1000);
      // In the user's terms, with the gateway's own words, pointing at the log.
      expect(w.crash_reason).toMatch(/kept dying/);
      expect(w.crash_reason).toMatch(/uwsgi exited 5 times in a row within a minute of starting \(last exit status 1\)/);
      expect(w.crash_reason).toContain(`/var/log/${domain}.error.log`);
      expect(w.crash_reason).toMatch(/Reload/);
      const lines = fs.readFileSync(errorLog(t, carol, domain), 'utf8').trimEnd().split('\n');
      expect(lines.filter((l) => /: restart failed: uwsgi exited 5 times in a row/.test(l))).toHaveLength(1);
    }

    // Nothing restarted the container in between, and nothing does now: the
    // reconciler converges (and removes the exited container) without a start.
    await t.app.services.reconciler!.trigger();
    for (const domain of [byReload, byPatch]) {
      expect(await containersCreatedFor(domain), domain).toBe(1);
      const id = t.app.stores.webapps.byDomain(domain)!.id;
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${t.app.instanceId}`, `${LABEL_WEBAPP}=${id}`] } });
      expect(left, domain).toEqual([]);
      expect((await getWebapp(t.app, carol, domain)).state).toBe('crashed');
    }

    // Fixed code and a Reload: a fresh container, and the crash is over.
    writeAsUser(wsgiFile(t, carol, byReload), helloApp('fixed, reloaded'), carolUid);
    const reloaded = await t.app.inject({ method: 'POST', url: api(`${byReload}/reload/`), headers: asToken(carol.token) });
    expect(reloaded.statusCode, reloaded.body).toBe(200);
    // Fixed code and a PATCH of a setting the container starts with: the same.
    writeAsUser(wsgiFile(t, carol, byPatch), helloApp('fixed, patched'), carolUid);
    const patched = await t.app.inject({ method: 'PATCH', url: api(`${byPatch}/`), headers: asToken(carol.token), payload: { workers: 2 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ workers: 2, state: 'running', crash_reason: null, settings_warning: null });

    for (const [domain, body] of [
      [byReload, 'fixed, reloaded'],
      [byPatch, 'fixed, patched'],
    ] as const) {
      await eventually(async () => expect(await getWebapp(t.app, carol, domain)).toMatchObject({ state: 'running', crash_reason: null }));
      expect((await getViaSocket(activeSocket(t, domain))).body).toBe(body);
      expect(await containersCreatedFor(domain)).toBe(2);
    }
  }, 120_000);

  it('created every container hardened', async () => {
    expect(await expectAllHardened(t, new Map([[carol.username, carolUid]]))).toBe(4);
  });
});
