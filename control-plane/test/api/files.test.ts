import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, asCookie, asToken, createTestApp, createUser, multipart, type TestApp, type TestUser } from '../helpers/test-app.js';
import { userDirs } from '../../src/domain/layout.js';

describe('files API (PythonAnywhere-shaped)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const files = (u: TestUser, p: string) => `/api/v0/user/${u.username}/files/path${p}`;

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_MAX_UPLOAD_BYTES: String(64 * 1024) });
    alice = await createUser(t.app);
    bob = await createUser(t.app);
  });
  afterAll(() => t.close());

  async function upload(u: TestUser, p: string, content: string | Buffer) {
    const body = multipart(content);
    return t.app.inject({ method: 'POST', url: files(u, p), headers: { ...asToken(u.token), ...body.headers }, payload: body.payload });
  }

  it('uploads (creating folders), reads back, overwrites and reports created vs updated', async () => {
    const p = `/home/${alice.username}/mysite/app.py`;
    const first = await upload(alice, p, 'print("v1")\n');
    expect(first.statusCode).toBe(201);
    expect((await t.app.inject({ url: files(alice, p), headers: asToken(alice.token) })).body).toBe('print("v1")\n');
    const second = await upload(alice, p, 'print("v2")\n');
    expect(second.statusCode).toBe(200);
    const read = await t.app.inject({ url: files(alice, p), headers: asToken(alice.token) });
    expect(read.body).toBe('print("v2")\n');
    expect(read.headers['content-type']).toBe('application/octet-stream');
    expect(read.headers['x-content-type-options']).toBe('nosniff');
    const host = path.join(userDirs(t.dataDir, alice.username).home, 'mysite', 'app.py');
    if (process.getuid?.() === 0) {
      const uid = (await t.app.inject({ url: '/api/auth/me', headers: asToken(alice.token) })).json().uid;
      expect(fs.statSync(host).uid).toBe(uid);
      expect(fs.statSync(path.dirname(host)).uid).toBe(uid);
    }
  });

  it('works with the session cookie and CSRF token too', async () => {
    const body = multipart('hello');
    const res = await t.app.inject({
      method: 'POST',
      url: files(alice, '/var/www/cookie.txt'),
      headers: { ...asCookie(alice), ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(201);
  });

  it('lists folders like PythonAnywhere, and the whole tree', async () => {
    await upload(alice, `/home/${alice.username}/tree/a/b.txt`, 'b');
    await upload(alice, `/home/${alice.username}/tree/c.txt`, 'c');
    const listing = await t.app.inject({ url: files(alice, `/home/${alice.username}/tree/`), headers: asToken(alice.token) });
    expect(listing.statusCode).toBe(200);
    const json = listing.json();
    expect(json.a.type).toBe('directory');
    expect(json['c.txt']).toMatchObject({ type: 'file', size: 1 });
    expect(json['c.txt'].url).toContain(`/api/v0/user/${alice.username}/files/path/home/${alice.username}/tree/c.txt`);
    const tree = await t.app.inject({ url: `/api/v0/user/${alice.username}/files/tree/?path=/home/${alice.username}/tree`, headers: asToken(alice.token) });
    expect(tree.json()).toEqual([
      `/home/${alice.username}/tree/a/`,
      `/home/${alice.username}/tree/a/b.txt`,
      `/home/${alice.username}/tree/c.txt`,
    ]);
  });

  it('answers 413 for a file over the limit and keeps the old content, leaving no temporary file', async () => {
    const p = `/home/${alice.username}/big.bin`;
    await upload(alice, p, 'small');
    const res = await upload(alice, p, Buffer.alloc(128 * 1024, 1));
    expect(res.statusCode).toBe(413);
    expect((await t.app.inject({ url: files(alice, p), headers: asToken(alice.token) })).body).toBe('small');
    const leftovers = fs.readdirSync(userDirs(t.dataDir, alice.username).home).filter((n) => n.startsWith('.pyhost-upload-'));
    expect(leftovers).toEqual([]);
  });

  it('rejects an upload without the content field, and a non-multipart body', async () => {
    const wrongField = multipart('x', 'file');
    const res = await t.app.inject({ method: 'POST', url: files(alice, `/home/${alice.username}/x.txt`), headers: { ...asToken(alice.token), ...wrongField.headers }, payload: wrongField.payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('content');
    const json = await t.app.inject({ method: 'POST', url: files(alice, `/home/${alice.username}/x.txt`), headers: asToken(alice.token), payload: { content: 'x' } });
    expect(json.statusCode).toBe(400);
  });

  it('deletes files and folders, but not the roots', async () => {
    await upload(alice, `/home/${alice.username}/gone/x.txt`, 'x');
    expect((await t.app.inject({ method: 'DELETE', url: files(alice, `/home/${alice.username}/gone`), headers: asToken(alice.token) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: files(alice, `/home/${alice.username}/gone/x.txt`), headers: asToken(alice.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: files(alice, `/home/${alice.username}/gone`), headers: asToken(alice.token) })).statusCode).toBe(404);
    for (const root of [`/home/${alice.username}`, '/var/www', '/var/log']) {
      expect((await t.app.inject({ method: 'DELETE', url: files(alice, root), headers: asToken(alice.token) })).statusCode).toBe(400);
    }
  });

  describe('confinement', () => {
    const hostile = (u: string, other: string) => [
      '/etc/passwd',
      `/home/${other}/secret.txt`,
      `/home/${u}/../${other}/secret.txt`,
      `/home/${u}/%2e%2e/${other}/secret.txt`,
      `/home/${u}/%2E%2E/%2E%2E/etc/passwd`,
      `/home/${u}/..%2f..%2fetc/passwd`,
      `/home/${u}/x%00.txt`,
      `/var/www/../../etc/passwd`,
      `/var/log/..`,
      `/home/${u}x/file`,
      `/homes/${u}/file`,
      `/`,
      `/proc/self/environ`,
    ];

    beforeAll(async () => {
      await upload(bob, `/home/${bob.username}/secret.txt`, 'bob-secret');
      const home = userDirs(t.dataDir, alice.username).home;
      fs.symlinkSync('/etc', path.join(home, 'etc-link'));
      fs.symlinkSync('/etc/passwd', path.join(home, 'passwd-link'));
      fs.symlinkSync(userDirs(t.dataDir, bob.username).home, path.join(home, 'bob-home'));
      fs.symlinkSync(path.join(userDirs(t.dataDir, bob.username).home, 'secret.txt'), path.join(home, 'bob-secret'));
      fs.symlinkSync('../../../../../../etc/hostname', path.join(home, 'relative-escape'));
      fs.symlinkSync('/nonexistent/dir', path.join(home, 'dangling'));
      fs.mkdirSync(path.join(home, 'inside'));
      fs.symlinkSync('inside', path.join(home, 'inside-link'));
      fs.writeFileSync(path.join(home, 'inside', 'ok.txt'), 'fine');
    });

    it('refuses every hostile path on read, write and delete with 4xx, touching nothing', async () => {
      const before = fs.readFileSync('/etc/hostname', 'utf8');
      for (const p of hostile(alice.username, bob.username)) {
        const url = `/api/v0/user/${alice.username}/files/path${p}`;
        const read = await t.app.inject({ url, headers: asToken(alice.token) });
        expect(read.statusCode, `GET ${p}`).toBeGreaterThanOrEqual(400);
        expect(read.statusCode, `GET ${p}`).toBeLessThan(500);
        expect(read.body).not.toContain('bob-secret');
        expect(read.body).not.toContain('root:x:0:0');
        const body = multipart('pwned');
        const write = await t.app.inject({ method: 'POST', url, headers: { ...asToken(alice.token), ...body.headers }, payload: body.payload });
        expect(write.statusCode, `POST ${p}`).toBeGreaterThanOrEqual(400);
        expect(write.statusCode, `POST ${p}`).toBeLessThan(500);
        const del = await t.app.inject({ method: 'DELETE', url, headers: asToken(alice.token) });
        expect(del.statusCode, `DELETE ${p}`).toBeGreaterThanOrEqual(400);
        expect(del.statusCode, `DELETE ${p}`).toBeLessThan(500);
      }
      expect(fs.readFileSync('/etc/hostname', 'utf8')).toBe(before);
      expect(fs.readFileSync(path.join(userDirs(t.dataDir, bob.username).home, 'secret.txt'), 'utf8')).toBe('bob-secret');
    });

    it('refuses the tree of hostile paths', async () => {
      for (const p of ['/etc', `/home/${bob.username}`, `/home/${alice.username}/etc-link`, `/home/${alice.username}/bob-home`]) {
        const res = await t.app.inject({ url: `/api/v0/user/${alice.username}/files/tree/?path=${encodeURIComponent(p)}`, headers: asToken(alice.token) });
        expect(res.statusCode, p).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, p).toBeLessThan(500);
      }
    });

    it('never follows planted symlinks out of the home directory', async () => {
      const u = alice.username;
      const through = [
        `/home/${u}/etc-link/passwd`,
        `/home/${u}/etc-link/`,
        `/home/${u}/passwd-link`,
        `/home/${u}/bob-home/secret.txt`,
        `/home/${u}/bob-secret`,
        `/home/${u}/relative-escape`,
        `/home/${u}/dangling`,
      ];
      for (const p of through) {
        const res = await t.app.inject({ url: files(alice, p), headers: asToken(alice.token) });
        expect(res.statusCode, p).toBe(404);
      }
      for (const p of [`/home/${u}/etc-link/pyhost-test.txt`, `/home/${u}/bob-home/planted.txt`, `/home/${u}/dangling/x.txt`]) {
        const res = await upload(alice, p, 'pwned');
        expect(res.statusCode, p).toBe(404);
      }
      expect(fs.existsSync('/etc/pyhost-test.txt')).toBe(false);
      expect(fs.existsSync(path.join(userDirs(t.dataDir, bob.username).home, 'planted.txt'))).toBe(false);
    });

    it('replaces or deletes a symlink itself, never its target', async () => {
      const u = alice.username;
      const home = userDirs(t.dataDir, u).home;
      const del = await t.app.inject({ method: 'DELETE', url: files(alice, `/home/${u}/bob-secret`), headers: asToken(alice.token) });
      expect(del.statusCode).toBe(204);
      expect(fs.readFileSync(path.join(userDirs(t.dataDir, bob.username).home, 'secret.txt'), 'utf8')).toBe('bob-secret');
      const over = await upload(alice, `/home/${u}/passwd-link`, 'my own file');
      expect(over.statusCode).toBe(200);
      expect(fs.lstatSync(path.join(home, 'passwd-link')).isSymbolicLink()).toBe(false);
      expect(fs.readFileSync('/etc/passwd', 'utf8')).toContain('root:');
    });

    it('follows symlinks that stay inside the user’s files', async () => {
      const res = await t.app.inject({ url: files(alice, `/home/${alice.username}/inside-link/ok.txt`), headers: asToken(alice.token) });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('fine');
    });
  });

  it("answers 404 for another user's files, and lets an admin read them", async () => {
    await upload(bob, `/home/${bob.username}/notes.txt`, 'bob notes');
    const url = files(bob, `/home/${bob.username}/notes.txt`);
    expect((await t.app.inject({ url, headers: asToken(alice.token) })).statusCode).toBe(404);
    const body = multipart('pwned');
    expect((await t.app.inject({ method: 'POST', url, headers: { ...asToken(alice.token), ...body.headers }, payload: body.payload })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url, headers: asToken(alice.token) })).statusCode).toBe(404);
    const admin = await t.app.inject({ url, headers: asToken(await adminToken(t.app)) });
    expect(admin.statusCode).toBe(200);
    expect(admin.body).toBe('bob notes');
  });
});
