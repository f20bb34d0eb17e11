import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivesDir, consoleEtcDir, userDirs, webappRunDir } from '../../src/domain/layout.js';
import { createInvite, createTeacher, nameTeacher, userId } from '../helpers/classroom.js';
import { ADMIN, adminToken, asToken, createTestApp, createUser, login, uniqueName, type TestApp, type TestUser } from '../helpers/test-app.js';

// Deleting accounts (files archived or erased) and restoring archives, on a
// real SQLite file and the fake engine. The real engine: test/runtime/account-lifecycle.docker.test.ts.

describe('deleting accounts', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = asToken(await adminToken(t.app));
  });
  afterAll(() => t.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = admin) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const remove = (username: string, files: 'archive' | 'erase', confirm = username) => inject('DELETE', `/api/admin/users/${username}`, { confirm, files });
  const archives = async () => (await inject('GET', '/api/admin/archives')).json<{ archives: { name: string; username: string; bytes: number; created_at: string }[] }>().archives;
  const containersOf = (username: string) => t.runtime.all().filter((c) => c.labels.user === username);
  const home = (username: string) => userDirs(t.dataDir, username).home;

  /** A user with a web app, a console, a file, a symlink out of their home and a token. */
  async function busyUser(): Promise<{ user: TestUser; webappId: number }> {
    const user = await createUser(t.app);
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: `${user.username}.localhost` } });
    expect(res.statusCode, res.body).toBe(201);
    t.app.services.consoles.store.insert({ user_id: userId(t.app, user), executable: 'bash', arguments: '', working_directory: null });
    fs.writeFileSync(path.join(home(user.username), 'notes.txt'), 'my work');
    fs.symlinkSync('/etc/passwd', path.join(home(user.username), 'passwd-link'));
    const webappId = t.app.stores.webapps.forUser(userId(t.app, user))[0]!.id;
    expect(fs.existsSync(webappRunDir(t.dataDir, webappId))).toBe(true);
    expect(containersOf(user.username).length).toBeGreaterThan(0);
    return { user, webappId };
  }

  function expectNothingLeft(user: TestUser, webappId: number, id: number): void {
    expect(t.app.stores.users.byUsername(user.username)).toBeUndefined();
    expect(t.app.stores.webapps.forUser(id)).toEqual([]);
    expect(t.app.services.consoles.store.forUser(id)).toEqual([]);
    expect(t.app.stores.inviteCodes.list(id)).toEqual([]);
    expect(containersOf(user.username)).toEqual([]);
    expect(fs.existsSync(webappRunDir(t.dataDir, webappId))).toBe(false);
    expect(fs.existsSync(userDirs(t.dataDir, user.username).root)).toBe(false);
    expect(fs.existsSync(consoleEtcDir(t.dataDir, user.username))).toBe(false);
  }

  it('archives the files, removes everything else, and the archive restores the account under a new uid', async () => {
    t.app.services.settings.setSignupMode('invite');
    const teacher = await createTeacher(t.app);
    const student = await createUser(t.app);
    await nameTeacher(t.app, student, teacher);
    await createInvite(t.app, teacher);
    const { user, webappId } = await busyUser();
    await nameTeacher(t.app, user, teacher);
    const before = (await inject('GET', `/api/admin/users?search=${user.username}`)).json().users[0];

    // The teacher has students and a code, the user has everything: both go.
    const teacherId = userId(t.app, teacher);
    const id = userId(t.app, user);
    for (const u of [teacher, user]) {
      const res = await remove(u.username, 'archive');
      expect(res.statusCode, res.body).toBe(200);
    }
    expectNothingLeft(user, webappId, id);
    expect(t.app.stores.inviteCodes.list(teacherId)).toEqual([]);
    expect(t.app.stores.users.byUsername(student.username)!.teacher_id).toBeNull();
    expect((await t.app.inject({ url: '/api/auth/me', headers: asToken(user.token) })).statusCode).toBe(401);

    const archive = `${user.username}-${before.uid}.tar.gz`;
    const listed = (await archives()).find((a) => a.name === archive);
    expect(listed).toMatchObject({ username: user.username, bytes: expect.any(Number) });
    expect(listed!.bytes).toBeGreaterThan(0);
    expect(fs.statSync(archivesDir(t.dataDir)).mode & 0o777).toBe(0o700);
    // The name waits for the archived files.
    const again = await inject('POST', '/api/admin/users', { username: user.username });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain(archive);

    const restored = await inject('POST', `/api/admin/archives/${archive}/restore`, {});
    expect(restored.statusCode, restored.body).toBe(201);
    const back = restored.json();
    expect(back).toMatchObject({ username: user.username, disabled: false, webapps: [], teacher: null });
    expect(back.password).toBeUndefined();
    expect(back.uid).toBeGreaterThan(before.uid);
    const notes = path.join(home(user.username), 'notes.txt');
    expect(fs.readFileSync(notes, 'utf8')).toBe('my work');
    expect(fs.lstatSync(path.join(home(user.username), 'passwd-link')).isSymbolicLink()).toBe(true);
    if (process.getuid?.() === 0) {
      expect(fs.lstatSync(notes).uid).toBe(back.uid);
      expect(fs.lstatSync(home(user.username)).uid).toBe(back.uid);
    }
    // The archived password still works; the archive is gone.
    await login(t.app, user.username, user.password);
    expect((await archives()).some((a) => a.name === archive)).toBe(false);
  });

  it('restores under another name with a new password; the archived name is free again', async () => {
    const u = await createUser(t.app);
    const { archive } = (await remove(u.username, 'archive')).json();
    const other = await createUser(t.app);
    const taken = await inject('POST', `/api/admin/archives/${archive}/restore`, { username: other.username });
    expect(taken.statusCode).toBe(409);
    const bad = await inject('POST', `/api/admin/archives/${archive}/restore`, { username: u.username, password: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('password');
    const name = uniqueName('rn');
    const res = await inject('POST', `/api/admin/archives/${archive}/restore`, { username: name, password: 'restored-password' });
    expect(res.statusCode, res.body).toBe(201);
    await login(t.app, name, 'restored-password');
    // The original name is free again: its files are name's now.
    expect((await inject('POST', '/api/admin/users', { username: u.username })).statusCode).toBe(201);
  });

  it('erases the files: the username can be used again at once, with a new uid', async () => {
    const { user, webappId } = await busyUser();
    const id = userId(t.app, user);
    const uid = (await inject('GET', `/api/admin/users?search=${user.username}`)).json().users[0].uid;
    const res = await remove(user.username, 'erase');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ archive: null });
    expectNothingLeft(user, webappId, id);
    expect((await archives()).some((a) => a.username === user.username)).toBe(false);
    // The symlink was removed, not followed.
    expect(fs.existsSync('/etc/passwd')).toBe(true);
    const again = await inject('POST', '/api/admin/users', { username: user.username });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().user.uid).toBeGreaterThan(uid);
    expect(fs.readdirSync(home(user.username))).toEqual([]);
  });

  it('refuses without the username typed in confirm, a bad files choice, and the admin themself', async () => {
    const u = await createUser(t.app);
    const res = await remove(u.username, 'erase', 'someoneelse');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'confirm', detail: expect.stringContaining(`"${u.username}"`) });
    expect((await inject('DELETE', `/api/admin/users/${u.username}`, { confirm: u.username, files: 'shred' })).statusCode).toBe(400);
    expect((await inject('DELETE', `/api/admin/users/${u.username}`, { files: 'erase' })).json().field).toBe('confirm');
    const self = await remove(ADMIN.username, 'erase');
    expect(self.statusCode).toBe(409);
    expect(self.json().detail).toContain('your own account');
    expect((await remove('nobodyhere', 'erase')).statusCode).toBe(404);
    expect(t.app.stores.users.byUsername(u.username)!.disabled_at).toBeNull();
    expect((await t.app.inject({ url: '/api/auth/me', headers: asToken(u.token) })).statusCode).toBe(200);
  });

  it('a deletion that stops halfway leaves the account "deleting"; deleting again finishes it', async () => {
    const { user, webappId } = await busyUser();
    const id = userId(t.app, user);
    // archives/ cannot be used: the archive step fails after everything running was removed.
    const dir = archivesDir(t.dataDir);
    fs.renameSync(dir, `${dir}.away`);
    fs.writeFileSync(dir, 'not a folder');
    try {
      expect((await remove(user.username, 'archive')).statusCode).toBe(500);
    } finally {
      fs.rmSync(dir);
      fs.renameSync(`${dir}.away`, dir);
    }
    expect(t.app.stores.users.byUsername(user.username)).toMatchObject({ disabled_reason: 'deleting' });
    expect(containersOf(user.username)).toEqual([]);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: user.password } })).statusCode).toBe(403);
    expect((await inject('POST', `/api/admin/users/${user.username}/enable`)).statusCode).toBe(409);
    expect((await inject('POST', '/api/admin/users', { username: user.username })).statusCode).toBe(409);
    const res = await remove(user.username, 'archive');
    expect(res.statusCode, res.body).toBe(200);
    expectNothingLeft(user, webappId, id);
  });

  it('archive names are checked strictly: anything else is a 404', async () => {
    for (const name of ['..%2Fpyhost.db', '..', 'pyhost.db', 'nobody-10999.tar.gz', 'UPPER-10001.tar.gz', '.staging-x', 'a-1.tar.gz%00']) {
      for (const res of [await inject('POST', `/api/admin/archives/${name}/restore`, {}), await inject('DELETE', `/api/admin/archives/${name}`)]) {
        expect(res.statusCode, `${name}: ${res.body}`).toBe(404);
      }
    }
    expect(fs.existsSync(path.join(t.dataDir, 'pyhost.db'))).toBe(true);
  });

  it('deleting an archive erases it for good and frees the username', async () => {
    const u = await createUser(t.app);
    const { archive } = (await remove(u.username, 'archive')).json();
    expect((await inject('DELETE', `/api/admin/archives/${archive}`)).statusCode).toBe(204);
    expect((await archives()).some((a) => a.name === archive)).toBe(false);
    expect((await inject('POST', '/api/admin/users', { username: u.username })).statusCode).toBe(201);
  });
});
