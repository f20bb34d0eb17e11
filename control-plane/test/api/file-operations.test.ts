import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCookie, asToken, createTestApp, createUser, multipart, type TestApp, type TestUser } from '../helpers/test-app.js';
import { userDirs } from '../../src/domain/layout.js';

describe('files API: folders and moves (Pyhost’s own)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let home: string;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t.app);
    bob = await createUser(t.app);
    home = userDirs(t.dataDir, alice.username).home;
  });
  afterAll(() => t.close());

  const mkdir = (p: string, u: TestUser = alice, as: Record<string, string> = asToken(u.token)) =>
    t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/files/folder/`, headers: as, payload: { path: p } });
  const move = (from: string, to: string, u: TestUser = alice) =>
    t.app.inject({ method: 'POST', url: `/api/v0/user/${u.username}/files/move/`, headers: asToken(alice.token), payload: { from, to } });
  async function upload(p: string, content: string) {
    const body = multipart(content);
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/files/path${p}`, headers: { ...asToken(alice.token), ...body.headers }, payload: body.payload });
    expect(res.statusCode).toBeLessThan(300);
  }

  it('creates folders with their parents, owned by the user, and refuses to create one twice', async () => {
    const p = `/home/${alice.username}/projects/site/static`;
    const res = await mkdir(p);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ path: p });
    expect(fs.statSync(path.join(home, 'projects/site/static')).isDirectory()).toBe(true);
    if (process.getuid?.() === 0) {
      const uid = (await t.app.inject({ url: '/api/auth/me', headers: asToken(alice.token) })).json().uid;
      expect(fs.statSync(path.join(home, 'projects')).uid).toBe(uid);
    }
    expect((await mkdir(p)).statusCode).toBe(409);
    expect((await mkdir('/var/www')).statusCode).toBe(409);
    expect((await mkdir(`/home/${alice.username}/cookie-made`, alice, asCookie(alice))).statusCode).toBe(201);
  });

  it('renames a file, moves a folder with its contents across areas, and keeps content', async () => {
    await upload(`/home/${alice.username}/a.py`, 'print(1)\n');
    const res = await move(`/home/${alice.username}/a.py`, `/home/${alice.username}/b.py`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ path: `/home/${alice.username}/b.py` });
    expect(fs.readFileSync(path.join(home, 'b.py'), 'utf8')).toBe('print(1)\n');
    expect(fs.existsSync(path.join(home, 'a.py'))).toBe(false);

    await upload(`/home/${alice.username}/proj/x/y.txt`, 'y');
    expect((await move(`/home/${alice.username}/proj`, '/var/www/deep/proj')).statusCode).toBe(200);
    expect(fs.readFileSync(path.join(userDirs(t.dataDir, alice.username).www, 'deep/proj/x/y.txt'), 'utf8')).toBe('y');
  });

  it('never replaces an existing file, never moves a folder into itself or a root anywhere', async () => {
    await upload(`/home/${alice.username}/keep.txt`, 'keep');
    await upload(`/home/${alice.username}/other.txt`, 'other');
    const clash = await move(`/home/${alice.username}/other.txt`, `/home/${alice.username}/keep.txt`);
    expect(clash.statusCode).toBe(409);
    expect(fs.readFileSync(path.join(home, 'keep.txt'), 'utf8')).toBe('keep');

    await mkdir(`/home/${alice.username}/outer/inner`);
    const into = await move(`/home/${alice.username}/outer`, `/home/${alice.username}/outer/inner/outer`);
    expect(into.statusCode).toBe(400);
    expect(into.json().field).toBe('to');
    for (const root of [`/home/${alice.username}`, '/var/www', '/var/log']) {
      expect((await move(root, `/home/${alice.username}/moved-root`)).statusCode, root).toBe(400);
      expect((await move(`/home/${alice.username}/keep.txt`, root)).statusCode, root).toBe(400);
    }
    expect((await move(`/home/${alice.username}/missing.txt`, `/home/${alice.username}/x.txt`)).statusCode).toBe(404);
  });

  it('validates bodies: both paths required, no unknown fields', async () => {
    const url = `/api/v0/user/${alice.username}/files/move/`;
    expect((await t.app.inject({ method: 'POST', url, headers: asToken(alice.token), payload: { from: '/var/www/x' } })).json().field).toBe('to');
    expect((await t.app.inject({ method: 'POST', url, headers: asToken(alice.token), payload: { from: '/a', to: '/b', force: true } })).statusCode).toBe(400);
  });

  describe('confinement', () => {
    beforeAll(async () => {
      fs.symlinkSync('/etc', path.join(home, 'etc-link'));
      fs.symlinkSync(userDirs(t.dataDir, bob.username).home, path.join(home, 'bob-home'));
      fs.symlinkSync('/tmp', path.join(home, 'tmp-link'));
      fs.writeFileSync(path.join(userDirs(t.dataDir, bob.username).home, 'secret.txt'), 'bob-secret');
      await upload(`/home/${alice.username}/mine.txt`, 'mine');
    });

    const hostile = (u: string, other: string) => [
      '/etc/pyhost-evil',
      `/home/${other}/evil`,
      `/home/${u}/../${other}/evil`,
      `/home/${u}/etc-link/pyhost-evil`,
      `/home/${u}/bob-home/evil`,
      `/home/${u}/tmp-link/pyhost-evil`,
      `/home/${u}/x\u0000y`,
      'relative/path',
      '/',
    ];

    it('refuses to create folders outside the user’s files, through symlinks included', async () => {
      for (const p of hostile(alice.username, bob.username)) {
        const res = await mkdir(p);
        expect(res.statusCode, p).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, p).toBeLessThan(500);
      }
      expect(fs.existsSync('/etc/pyhost-evil')).toBe(false);
      expect(fs.existsSync('/tmp/pyhost-evil')).toBe(false);
      expect(fs.existsSync(path.join(userDirs(t.dataDir, bob.username).home, 'evil'))).toBe(false);
    });

    it('refuses moves into or out of anywhere else, and moves a symlink itself, not its target', async () => {
      for (const p of hostile(alice.username, bob.username)) {
        const out = await move(`/home/${alice.username}/mine.txt`, p);
        expect(out.statusCode, `to ${p}`).toBeGreaterThanOrEqual(400);
        expect(out.statusCode, `to ${p}`).toBeLessThan(500);
        const inward = await move(p, `/home/${alice.username}/stolen`);
        expect(inward.statusCode, `from ${p}`).toBeGreaterThanOrEqual(400);
        expect(inward.statusCode, `from ${p}`).toBeLessThan(500);
      }
      expect((await move(`/home/${alice.username}/bob-home/secret.txt`, `/home/${alice.username}/stolen.txt`)).statusCode).toBe(404);
      expect(fs.readFileSync(path.join(home, 'mine.txt'), 'utf8')).toBe('mine');
      expect(fs.readFileSync(path.join(userDirs(t.dataDir, bob.username).home, 'secret.txt'), 'utf8')).toBe('bob-secret');

      const res = await move(`/home/${alice.username}/etc-link`, `/home/${alice.username}/renamed-link`);
      expect(res.statusCode).toBe(200);
      expect(fs.lstatSync(path.join(home, 'renamed-link')).isSymbolicLink()).toBe(true);
      expect(fs.existsSync('/etc/passwd')).toBe(true);
    });

    it("answers 404 on another user's files API", async () => {
      const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${bob.username}/files/folder/`, headers: asToken(alice.token), payload: { path: `/home/${bob.username}/x` } });
      expect(res.statusCode).toBe(404);
      const mv = await t.app.inject({
        method: 'POST',
        url: `/api/v0/user/${bob.username}/files/move/`,
        headers: asToken(alice.token),
        payload: { from: `/home/${bob.username}/secret.txt`, to: `/home/${bob.username}/y.txt` },
      });
      expect(mv.statusCode).toBe(404);
    });
  });
});
