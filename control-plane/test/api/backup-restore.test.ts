import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createBackup } from '../../src/backup/backup.js';
import { createTestCa } from '../helpers/test-certs.js';
import { BACKUP_USERS, BackupError, readManifest } from '../../src/backup/manifest.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { databaseFile, userDirs } from '../../src/domain/layout.js';
import { ADMIN, asToken, createTestApp, createUser, login, multipart, type TestApp, type TestUser } from '../helpers/test-app.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

/** Backups of a running instance (real SQLite files, real tar) and restores into empty and occupied data folders. */

const isRoot = process.getuid?.() === 0;
const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const CONTROL_PLANE = path.resolve(import.meta.dirname, '../..');

describe('backup and restore', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const scratch: string[] = [];
  const domainOf = (u: TestUser) => `${u.username}.localhost`;

  async function upload(u: TestUser, p: string, content: string) {
    const body = multipart(content);
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/files/path${p}`, headers: { ...asToken(u.token), ...body.headers }, payload: body.payload });
    expect(res.statusCode).toBeLessThan(300);
  }

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t.app);
    bob = await createUser(t.app);
    for (const u of [alice, bob]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/webapps/`, headers: asToken(u.token), payload: { domain_name: domainOf(u) } });
      expect(res.statusCode).toBe(201);
    }
    await upload(alice, `/home/${alice.username}/mysite/app.py`, 'print("alice")\n');
    // A certificate and an ACME account key: the keys come back with the restore.
    const ca = createTestCa();
    const leaf = ca.leaf(['example.org']);
    t.app.services.certificates.install('dashboard', ['example.org'], leaf.key, leaf.cert, 'upload');
    await t.app.services.certificates.files.accountKey(async () => leaf.key);
    ca.close();
    fs.symlinkSync('mysite/app.py', path.join(userDirs(t.dataDir, alice.username).home, 'link-to-app'));
  });
  afterAll(async () => {
    await t.close();
    for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  });

  function newDir(prefix: string): string {
    const dir = tmp(prefix);
    scratch.push(dir);
    return dir;
  }

  it('backs up a running instance while it writes, and the copy is whole', async () => {
    const target = path.join(newDir('pyhost-bk-'), 'b1');
    // Writes in flight during the backup: the snapshot must still pass integrity_check.
    let writing = true;
    const writer = (async () => {
      let i = 0;
      while (writing && i < 200) {
        await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: asToken(alice.token), payload: { name: `during-backup-${i++}` } });
      }
    })();
    const manifest = await createBackup({ dataDir: t.dataDir, targetDir: target });
    writing = false;
    await writer;
    expect(manifest.users).toEqual(expect.arrayContaining([ADMIN.username, alice.username, bob.username]));
    expect(manifest.webapps).toEqual(expect.arrayContaining([domainOf(alice), domainOf(bob)]));
    expect(manifest.schema_version).toBeGreaterThan(0);
    expect(manifest.instance_id).toBe(t.app.instanceId);
    expect(readManifest(target)).toEqual(manifest);
    expect(fs.readdirSync(target).sort()).toEqual(['keys.tar.gz', 'manifest.json', 'pyhost.db', 'users.tar.gz']);
  });

  it('refuses a folder that is not empty, or one inside the users folder it backs up', async () => {
    const full = newDir('pyhost-bk-');
    fs.writeFileSync(path.join(full, 'something'), 'x');
    await expect(createBackup({ dataDir: t.dataDir, targetDir: full })).rejects.toThrow(/not empty/);
    await expect(createBackup({ dataDir: t.dataDir, targetDir: path.join(t.dataDir, 'users', 'b') })).rejects.toThrow(/inside/);
    await expect(createBackup({ dataDir: newDir('pyhost-empty-'), targetDir: path.join(full, 'n') })).rejects.toThrow(/no Pyhost database/);
  });

  it('restores into an empty data folder: same accounts, web apps, files, owners and instance id', async () => {
    const target = path.join(newDir('pyhost-bk-'), 'b2');
    await createBackup({ dataDir: t.dataDir, targetDir: target });
    const fresh = newDir('pyhost-restored-');
    const result = await restoreBackup({ dataDir: fresh, apiSocket: path.join(fresh, 'api.sock'), sourceDir: target });
    expect(result.setAside).toBeNull();

    const app = await buildApp({ runtime: new FakeRuntime(), config: loadConfig({ PYHOST_DATA: fresh }) });
    try {
      await app.ready();
      expect(app.instanceId).toBe(t.app.instanceId);
      // Passwords and tokens came along: the old token still works.
      expect((await app.inject({ url: '/api/auth/me', headers: asToken(alice.token) })).json().username).toBe(alice.username);
      await login(app, bob.username, bob.password);
      const apps = await app.inject({ url: `/api/v0/user/${alice.username}/webapps/`, headers: asToken(alice.token) });
      expect(apps.json().map((w: { domain_name: string }) => w.domain_name)).toEqual([domainOf(alice)]);
      const file = await app.inject({ url: `/api/v0/user/${alice.username}/files/path/home/${alice.username}/mysite/app.py`, headers: asToken(alice.token) });
      expect(file.body).toBe('print("alice")\n');
      // No setup token on a restored instance: it has its admin.
      expect((await app.inject({ url: '/api/auth/setup' })).json()).toEqual({ required: false });
    } finally {
      await app.close();
    }
    for (const file of ['tls/certs/dashboard.pem', 'tls/index.json', 'acme/account.pem']) {
      const [before, after] = [path.join(t.dataDir, file), path.join(fresh, file)].map((f) => fs.statSync(f));
      expect(fs.readFileSync(path.join(fresh, file), 'utf8'), file).toBe(fs.readFileSync(path.join(t.dataDir, file), 'utf8'));
      expect([after!.uid, after!.gid, after!.mode], file).toEqual([before!.uid, before!.gid, before!.mode]);
    }
    const home = userDirs(fresh, alice.username).home;
    expect(fs.readlinkSync(path.join(home, 'link-to-app'))).toBe('mysite/app.py');
    if (isRoot) {
      const before = fs.statSync(path.join(userDirs(t.dataDir, alice.username).home, 'mysite', 'app.py'));
      const after = fs.statSync(path.join(home, 'mysite', 'app.py'));
      expect([after.uid, after.gid, after.mode]).toEqual([before.uid, before.gid, before.mode]);
      expect(fs.statSync(userDirs(fresh, alice.username).root).mode).toBe(fs.statSync(userDirs(t.dataDir, alice.username).root).mode);
    }
  });

  it('refuses to restore while the api answers on its socket, and says what to do', async () => {
    const target = path.join(newDir('pyhost-bk-'), 'b3');
    await createBackup({ dataDir: t.dataDir, targetDir: target });
    const dataDir = newDir('pyhost-live-');
    const socket = path.join(dataDir, 'api.sock');
    const server = net.createServer((c) => c.end());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const err = await restoreBackup({ dataDir, apiSocket: socket, sourceDir: target }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupError);
      expect((err as Error).message).toMatch(/api is running.*stop it first/);
      expect(fs.existsSync(databaseFile(dataDir))).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // A socket file left by an api that died does not block the restore.
    fs.rmSync(socket, { force: true });
    const stale = net.createServer();
    await new Promise<void>((resolve) => stale.listen(socket, resolve));
    stale.close();
    await restoreBackup({ dataDir, apiSocket: socket, sourceDir: target });
    expect(fs.existsSync(databaseFile(dataDir))).toBe(true);
  });

  it('moves what was in the data folder aside instead of deleting it', async () => {
    const target = path.join(newDir('pyhost-bk-'), 'b4');
    await createBackup({ dataDir: t.dataDir, targetDir: target });
    const other = await createTestApp();
    try {
      const carol = await createUser(other.app);
      await other.app.close();
      const result = await restoreBackup({ dataDir: other.dataDir, apiSocket: path.join(other.dataDir, 'api.sock'), sourceDir: target });
      expect(result.setAside).not.toBeNull();
      expect(fs.existsSync(path.join(result.setAside!, 'pyhost.db'))).toBe(true);
      expect(fs.existsSync(path.join(result.setAside!, 'users', carol.username))).toBe(true);
      expect(fs.existsSync(path.join(other.dataDir, 'users', carol.username))).toBe(false);
      const db = new Database(databaseFile(other.dataDir), { readonly: true });
      try {
        expect(db.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').get(carol.username)).toEqual({ n: 0 });
        expect(db.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').get(alice.username)).toEqual({ n: 1 });
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(other.dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a damaged backup before touching anything', async () => {
    const target = path.join(newDir('pyhost-bk-'), 'b5');
    await createBackup({ dataDir: t.dataDir, targetDir: target });
    const archive = path.join(target, BACKUP_USERS);
    const bytes = fs.readFileSync(archive);
    const at = bytes.length - 10;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    fs.writeFileSync(archive, bytes);
    const dataDir = newDir('pyhost-damaged-');
    await expect(restoreBackup({ dataDir, apiSocket: path.join(dataDir, 'api.sock'), sourceDir: target })).rejects.toThrow(/checksum/);
    await expect(restoreBackup({ dataDir, apiSocket: path.join(dataDir, 'api.sock'), sourceDir: dataDir })).rejects.toThrow(/not a Pyhost backup/);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('works as the documented commands, configured by the environment like the api', () => {
    const out = newDir('pyhost-cli-');
    const env = { ...process.env, PYHOST_DATA: t.dataDir };
    const cli = (script: string, args: string[], extraEnv: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { cwd: CONTROL_PLANE, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
    const backup = cli('backup', [path.join(out, 'b')]);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/backup: \d+ users, 2 web apps/);
    const again = cli('backup', [path.join(out, 'b')]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
    const restoreInto = newDir('pyhost-cli-restore-');
    const restore = cli('restore', [path.join(out, 'b')], { PYHOST_DATA: restoreInto });
    expect(restore.status).toBe(0);
    expect(restore.stdout).toMatch(/restore: \d+ users, 2 web apps/);
    expect(cli('restore', [], { PYHOST_DATA: restoreInto }).stderr).toMatch(/usage/);
    // Without an argument the backup goes to $PYHOST_DATA/backups/<time>.
    const defaultDir = cli('backup', [], { PYHOST_DATA: restoreInto });
    expect(defaultDir.status).toBe(0);
    expect(fs.readdirSync(path.join(restoreInto, 'backups'))).toHaveLength(1);
  });
});
