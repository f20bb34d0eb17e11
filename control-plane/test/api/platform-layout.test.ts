import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { routeFiles, userDirs } from '../../src/domain/layout.js';
import { publishedRoute } from '../helpers/published-routes.js';
import { asToken, createTestApp, createUser, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

// Who may enter what under PYHOST_DATA (lib/platform-dirs.ts), on real
// folders: the router's group where it must go, nothing of the store for
// it, and a data folder from before the router had its own uid put right
// at start.

const mode = (p: string) => fs.lstatSync(p).mode & 0o7777;
const owner = (p: string) => {
  const st = fs.lstatSync(p);
  return { uid: st.uid, gid: st.gid };
};

describe('the layout of PYHOST_DATA', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('lets the router\'s group into the platform and users\' folders, and keeps the store root\'s alone', async () => {
    t = await createTestApp();
    const ingress = t.config.ingressUid;
    const user = await createUser(t.app);
    const uid = (await t.app.inject({ url: '/api/auth/me', headers: asToken(user.token) })).json().uid as number;
    const dirs = userDirs(t.dataDir, user.username);
    expect({ ...owner(t.dataDir), mode: mode(t.dataDir) }).toEqual({ uid: 0, gid: ingress, mode: 0o750 });
    for (const dir of ['users', 'run', 'ingress']) expect({ dir, ...owner(path.join(t.dataDir, dir)), mode: mode(path.join(t.dataDir, dir)) }).toEqual({ dir, uid: 0, gid: ingress, mode: 0o750 });
    expect({ ...owner(path.join(t.dataDir, 'ingress', 'links')), mode: mode(path.join(t.dataDir, 'ingress', 'links')) }).toEqual({ uid: ingress, gid: ingress, mode: 0o700 });
    expect({ ...owner(dirs.root), mode: mode(dirs.root) }).toEqual({ uid: 0, gid: ingress, mode: 0o750 });
    expect({ ...owner(dirs.home), mode: mode(dirs.home) }).toEqual({ uid, gid: ingress, mode: 0o750 });
    expect({ ...owner(dirs.www), mode: mode(dirs.www) }).toEqual({ uid, gid: ingress, mode: 0o750 });
    expect({ ...owner(dirs.log), mode: mode(dirs.log) }).toEqual({ uid, gid: ingress, mode: 0o2770 });
    // Password and token hashes: root's alone, -wal and -shm too.
    for (const f of fs.readdirSync(t.dataDir).filter((n) => n.startsWith('pyhost.db'))) expect({ f, mode: mode(path.join(t.dataDir, f)) }).toEqual({ f, mode: 0o600 });
  });

  it('hands the router the route rows only, readable by its group', async () => {
    t = await createTestApp();
    const user = await createUser(t.app);
    const domain = `${user.username}.localhost`;
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } })).statusCode).toBe(201);
    await eventually(() => expect(publishedRoute(t.dataDir, domain)).toMatchObject({ domain }));
    for (const file of Object.values(routeFiles(t.dataDir))) {
      expect({ file, ...owner(file), mode: mode(file) }).toEqual({ file, uid: 0, gid: t.config.ingressUid, mode: 0o640 });
      expect(fs.readFileSync(file, 'utf8')).not.toMatch(/password_hash"|token|session|csrf/i);
    }
  });

  it('puts a data folder from the old layout right at start: users\' folders, logs, run folders and live sockets', async () => {
    t = await createTestApp();
    const ingress = t.config.ingressUid;
    const user = await createUser(t.app);
    const uid = (await t.app.inject({ url: '/api/auth/me', headers: asToken(user.token) })).json().uid as number;
    const domain = `${user.username}.localhost`;
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } })).statusCode).toBe(201);
    await t.app.close();

    // As a Pyhost of before left it: everything the user's own group, logs 0640, a socket 0660.
    const dirs = userDirs(t.dataDir, user.username);
    fs.chownSync(dirs.root, 0, uid);
    for (const d of [dirs.home, dirs.www, dirs.log]) {
      fs.chownSync(d, uid, uid);
      fs.chmodSync(d, 0o750);
    }
    const errorLog = path.join(dirs.log, `${domain}.error.log`);
    fs.writeFileSync(errorLog, 'old\n');
    fs.chownSync(errorLog, uid, uid);
    fs.chmodSync(errorLog, 0o640);
    const planted = path.join(dirs.log, `${domain}.server.log`);
    fs.rmSync(planted, { force: true });
    fs.symlinkSync('/etc/shadow', planted);
    const runDir = path.join(t.dataDir, 'run', '1', 'g1');
    fs.mkdirSync(runDir, { recursive: true });
    fs.chownSync(runDir, uid, uid);
    fs.chmodSync(runDir, 0o750);
    const sock = path.join(runDir, 'app.sock');
    // The fake engine's stand-in gateway made one there: an old gateway's socket takes its place.
    t.runtime.shutdown();
    fs.rmSync(sock, { force: true });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    fs.chmodSync(sock, 0o660);
    fs.lchownSync(sock, uid, uid);
    const shadow = owner('/etc/shadow');

    try {
      const app = await buildApp({ runtime: t.runtime, config: t.config });
      await app.ready();
      t.app = app;
      expect({ ...owner(dirs.root), mode: mode(dirs.root) }).toEqual({ uid: 0, gid: ingress, mode: 0o750 });
      expect({ ...owner(dirs.log), mode: mode(dirs.log) }).toEqual({ uid, gid: ingress, mode: 0o2770 });
      expect({ ...owner(errorLog), mode: mode(errorLog) }).toEqual({ uid, gid: ingress, mode: 0o660 });
      expect({ ...owner(runDir), mode: mode(runDir) }).toEqual({ uid, gid: ingress, mode: 0o2750 });
      expect({ ...owner(sock), mode: mode(sock) & 0o777 }).toEqual({ uid, gid: ingress, mode: 0o660 });
      // The planted link is left as it is, and what it points at untouched.
      expect(fs.lstatSync(planted).isSymbolicLink()).toBe(true);
      expect(owner('/etc/shadow')).toEqual(shadow);
    } finally {
      server.close();
    }
  });
});
