import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { activeSocket, createDockerTestApp, errorLog, newUser, waitForState, writeAsUser, wsgiFile, type DockerTestApp } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/server-process.js';
import { RouterProcess } from '../helpers/router-process.js';
import { routerRequest, type RouterResponse } from './router-fixture.js';

// The attack that found the hole, from inside a real container against the
// real engine and a real router process (which drops to its own uid): the
// app itself swaps its app.sock, again and again while requests run, for a
// symlink to the Docker Engine's socket, to the api's socket, to another
// user's app socket, and for a regular file. Nothing but the app's own
// server may ever answer; everything else is the app's 502 page.

const OWN = 'alice own server';

/** A WSGI app that answers OWN and, asked to, starts a process that keeps swapping app.sock. */
function attackingApp(targets: string[]): string {
  return `import os, subprocess

ATTACK = r'''
import os, sys, time
d = '/run/pyhost'
targets = ${JSON.stringify(targets)}
with open(d + '/plain.txt', 'w') as f:
    f.write('HTTP/1.1 200 OK\\r\\nContent-Length: 9\\r\\n\\r\\nFROM FILE')
deadline = time.time() + 120
i = 0
while time.time() < deadline:
    target = targets[i % len(targets)]
    i += 1
    try:
        if os.path.lexists(d + '/real.sock'):
            os.unlink(d + '/real.sock')
        os.link(d + '/app.sock', d + '/real.sock')     # keep the server's socket under another name
        if os.path.lexists(d + '/evil'):
            os.unlink(d + '/evil')
        if target == 'FILE':
            os.link(d + '/plain.txt', d + '/evil')
        else:
            os.symlink(target, d + '/evil')
        os.rename(d + '/evil', d + '/app.sock')       # ln -sfn target x && mv -fT x app.sock
        time.sleep(0.004)
        os.rename(d + '/real.sock', d + '/app.sock')  # and back, so that some requests get through
        time.sleep(0.004)
    except OSError as e:
        print('attack step failed:', e, file=sys.stderr, flush=True)
        time.sleep(0.01)
'''

def application(environ, start_response):
    # Started by a request, once this server serves app.sock: started at import, the attack
    # would keep the previous server's socket (the gateway swaps app.sock after the import).
    if environ.get('PATH_INFO') == '/start-attack' and not os.path.exists('/tmp/attacking'):
        open('/tmp/attacking', 'w').close()
        subprocess.Popen(['/usr/bin/python3', '-c', ATTACK])
    body = ${JSON.stringify(OWN)}.encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
`;
}

describe('an app that swaps its own socket for something else', () => {
  let t: DockerTestApp;
  let router: RouterProcess;
  let alice: { user: TestUser; uid: number };
  let bob: { user: TestUser; uid: number };
  let aliceDomain: string;
  let bobDomain: string;

  beforeAll(async () => {
    t = await createDockerTestApp({ PYHOST_APP_WAIT_SECONDS: '2' });
    await t.app.listen({ path: t.config.apiSocket });
    router = new RouterProcess({ PYHOST_DATA: t.dataDir, PYHOST_APP_WAIT_SECONDS: '2', PYHOST_LOG_LEVEL: 'warn' }, await freePort());
    await router.start();
    alice = await newUser(t.app);
    bob = await newUser(t.app);
    aliceDomain = `${alice.user.username}.localhost`;
    bobDomain = `${bob.user.username}.localhost`;
    for (const [who, domain] of [[alice, aliceDomain], [bob, bobDomain]] as const) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${who.user.username}/webapps/`, headers: asToken(who.user.token), payload: { domain_name: domain } });
      expect(res.statusCode, res.body).toBe(201);
      await waitForState(t.app, who.user, domain, 'running');
    }
  });

  afterAll(async () => {
    await router?.stop();
    await t?.close();
  });

  it('is never answered by the Docker Engine, the api or another app: only by its own server or with its 502 page', async () => {
    const targets = [t.config.dockerSocket, t.config.apiSocket, activeSocket(t, bobDomain), 'FILE'];
    expect(fs.lstatSync(t.config.dockerSocket).isSocket()).toBe(true);
    writeAsUser(wsgiFile(t, alice.user, aliceDomain), attackingApp(targets), alice.uid);
    const reload = await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.user.username}/webapps/${aliceDomain}/reload/`, headers: asToken(alice.user.token) });
    expect(reload.statusCode, reload.body).toBe(200);
    await eventually(async () => expect((await routerRequest(router.port, aliceDomain, '/')).body).toBe(OWN), { timeoutMs: 10_000, what: 'the new code serving' });
    expect((await routerRequest(router.port, aliceDomain, '/start-attack')).body).toBe(OWN);
    const runDir = path.dirname(activeSocket(t, aliceDomain));
    await eventually(() => expect(fs.existsSync(path.join(runDir, 'plain.txt'))).toBe(true), { timeoutMs: 10_000, what: 'the attack to start' });

    // Requests while the attack runs: 4 at a time for at least 4 s, each checked.
    const seen: RouterResponse[] = [];
    const until = Date.now() + 4000;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (Date.now() < until) seen.push(await routerRequest(router.port, aliceDomain, '/containers/json'));
    }));

    const foreign = seen.filter((r) => !(r.status === 200 && r.body === OWN) && !(r.status === 502 && r.body.includes(`${aliceDomain}.error.log`)));
    expect(foreign.slice(0, 3).map((r) => `${r.status} ${JSON.stringify(r.headers)} ${r.body.slice(0, 200)}`), 'answers from something else').toEqual([]);
    // The Docker Engine marks every answer; the api's pages and JSON never appear either.
    expect(seen.some((r) => r.headers['api-version'] !== undefined || /docker/i.test(String(r.headers.server ?? '')))).toBe(false);
    expect(seen.some((r) => r.body.includes(bob.user.username) || r.body.includes('FROM FILE'))).toBe(false);
    // The attack really ran: some requests met a swapped socket, and some reached the app.
    const refused = seen.filter((r) => r.status === 502).length;
    const served = seen.filter((r) => r.status === 200).length;
    expect(refused, `of ${seen.length}`).toBeGreaterThan(0);
    expect(served, `of ${seen.length}`).toBeGreaterThan(0);
    // The owner can read why in the app's error log.
    expect(fs.readFileSync(errorLog(t, alice.user, aliceDomain), 'utf8')).toMatch(/\[pyhost\] the router refused to connect: \/run\/pyhost\/app\.sock is (a symbolic link|a regular file)/);
    // Bob's app was never disturbed.
    expect(await routerRequest(router.port, bobDomain, '/')).toMatchObject({ status: 200 });
  });

  it('runs the router as its own uid, which cannot open the Docker or api socket at all', () => {
    const status = fs.readFileSync(`/proc/${router.pid}/status`, 'utf8');
    const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status)!.slice(1).map(Number);
    expect(uids).toEqual(Array(4).fill(t.config.ingressUid));
    const groups = /^Groups:\s*(.*)$/m.exec(status)![1]!.trim().split(/\s+/).filter(Boolean).map(Number);
    expect(groups).toEqual([t.config.ingressUid]);
    // Even a raced check could not help: that uid cannot connect to either socket at all.
    for (const sock of [t.config.dockerSocket, t.config.apiSocket]) {
      const probe = spawnSync(process.execPath, ['-e', `require('net').connect(${JSON.stringify(sock)}).on('connect', () => { console.log('CONNECTED'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`], {
        uid: t.config.ingressUid, gid: t.config.ingressUid, encoding: 'utf8', timeout: 10_000,
      });
      expect({ sock, answer: probe.stdout.trim() }).toEqual({ sock, answer: 'EACCES' });
    }
  });
});
