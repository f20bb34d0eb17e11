import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { asToken, createTestApp, createUser, multipart, type TestApp, type TestUser } from '../helpers/test-app.js';

// The files API runs as root in folders the user changes while it works (a
// console runs beside every request). A folder swapped for a symlink to a
// place outside the user's files between the API's check and its write is
// the classic race; here a process swaps one, as fast as it can, while the
// API writes, reads, creates folders, moves and deletes through it. Root
// must never touch what the link points at.

const SWAPPER = `
import os, sys, time
d, real, outside, seconds = sys.argv[1], sys.argv[1] + '.real', sys.argv[2], float(sys.argv[3])
end = time.time() + seconds
while time.time() < end:
    os.rename(d, real)
    os.symlink(outside, d)
    time.sleep(0.0002)
    os.unlink(d)
    os.rename(real, d)
    time.sleep(0.0002)
`;

describe('the files API while a folder on the way keeps turning into a symlink', () => {
  let t: TestApp;
  let user: TestUser;
  let outside: string;
  let swapper: ChildProcess;
  let swapperDone: Promise<void>;

  beforeAll(async () => {
    t = await createTestApp();
    user = await createUser(t.app);
    const home = userDirs(t.dataDir, user.username).home;
    fs.mkdirSync(path.join(home, 'd'));
    outside = path.join(t.dataDir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'SECRET');
    swapper = spawn('python3', ['-c', SWAPPER, path.join(home, 'd'), outside, '6'], { stdio: 'ignore' });
    swapperDone = new Promise((resolve) => swapper.once('exit', () => resolve()));
  });

  afterAll(async () => {
    swapper.kill();
    await swapperDone;
    await t.close();
  });

  it('never writes, chowns, reads, creates, moves or deletes outside the user\'s files', async () => {
    const base = `/api/v0/user/${user.username}/files`;
    const visible = `/home/${user.username}/d`;
    const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, extra: object = {}) =>
      t.app.inject({ method, url, headers: asToken(user.token), ...extra });
    const reads: string[] = [];
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const until = Date.now() + 4000;
    let i = 0;
    while (Date.now() < until) {
      i++;
      const upload = multipart('PWNED');
      const writes = await Promise.all([
        inject('POST', `${base}/path${visible}/victim.txt`, { headers: { ...asToken(user.token), ...upload.headers }, payload: upload.payload }),
        inject('GET', `${base}/path${visible}/victim.txt`),
        inject('POST', `${base}/folder/`, { payload: { path: `${visible}/made${i}` } }),
        inject('POST', `${base}/move/`, { payload: { from: `${visible}/victim.txt`, to: `${visible}/moved${i}.txt` } }),
        inject('DELETE', `${base}/path${visible}/moved${i}.txt`),
        inject('GET', `${base}/path${visible}/`),
        inject('GET', `${base}/tree/?path=${visible}`),
      ]);
      for (const res of writes) count(res.statusCode);
      reads.push(writes[1]!.body, writes[5]!.body, writes[6]!.body);
    }
    // What the link points at is exactly as it was: same file, same content, same owner, nothing new.
    expect(fs.readdirSync(outside)).toEqual(['victim.txt']);
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('SECRET');
    expect(fs.statSync(path.join(outside, 'victim.txt')).uid).toBe(0);
    expect(reads.filter((body) => body.includes('SECRET'))).toEqual([]);
    // The race was real: requests met both the folder and the link.
    expect(statuses.get(404) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0), JSON.stringify([...statuses])).toBeGreaterThan(0);
  });
});
