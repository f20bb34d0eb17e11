import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCookie, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { userDirs } from '../../src/domain/layout.js';

describe('logs API (Pyhost’s own)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let domain: string;
  let logDir: string;
  const logs = (rest = '', u: TestUser = alice) => `/api/v0/user/${u.username}/webapps/${domain}/logs/${rest}`;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t.app);
    bob = await createUser(t.app);
    domain = `${alice.username}.localhost`;
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/webapps/`, headers: asToken(alice.token), payload: {} });
    expect(res.statusCode).toBe(201);
    logDir = userDirs(t.dataDir, alice.username).log;
    const lines = Array.from({ length: 500 }, (_, i) => `2026-11-25 10:00:00,000: line ${i}`).join('\n') + '\n';
    fs.writeFileSync(path.join(logDir, `${domain}.error.log`), lines);
    fs.writeFileSync(path.join(logDir, `${domain}.error.log.1`), 'older 1\nolder 2\n');
    fs.writeFileSync(path.join(logDir, `${domain}.error.log.2.gz`), zlib.gzipSync('oldest 1\noldest 2\noldest 3\n'));
    fs.writeFileSync(path.join(logDir, `${domain}.server.log`), '<img src=x onerror=alert(1)>\n\u001b[31mred\u001b[0m\n');
    // Not this app's: must never be listed.
    fs.writeFileSync(path.join(logDir, `other.example.error.log`), 'not yours\n');
    fs.writeFileSync(path.join(logDir, `${domain}.error.log.notes`), 'not a log\n');
  });
  afterAll(() => t.close());

  it('lists the live and rotated files of this app only, in order', async () => {
    const res = await t.app.inject({ url: logs(), headers: asToken(alice.token) });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((f: { name: string }) => f.name)).toEqual([
      // Created empty with the app, as the other two were before this test wrote them.
      `${domain}.access.log`,
      `${domain}.error.log`,
      `${domain}.error.log.1`,
      `${domain}.error.log.2.gz`,
      `${domain}.server.log`,
    ]);
    expect(res.json()[3]).toMatchObject({ kind: 'error', rotation: 2, compressed: true });
  });

  it('tails the last N lines with the offset to continue from', async () => {
    const res = await t.app.inject({ url: logs('error/?lines=3'), headers: asToken(alice.token) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.lines).toEqual(['2026-11-25 10:00:00,000: line 497', '2026-11-25 10:00:00,000: line 498', '2026-11-25 10:00:00,000: line 499']);
    expect(body.truncated).toBe(true);
    expect(body.offset).toBe(fs.statSync(path.join(logDir, `${domain}.error.log`)).size);
    const all = (await t.app.inject({ url: logs('error/?lines=1000'), headers: asToken(alice.token) })).json();
    expect(all.lines).toHaveLength(500);
    expect(all.truncated).toBe(false);
  });

  it('returns log text exactly as written (HTML and escape sequences are data)', async () => {
    const res = await t.app.inject({ url: logs('server/'), headers: asToken(alice.token) });
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json().lines).toEqual(['<img src=x onerror=alert(1)>', '\u001b[31mred\u001b[0m']);
  });

  it('tails rotated files, gzipped ones too', async () => {
    expect((await t.app.inject({ url: logs('error/?rotation=1'), headers: asToken(alice.token) })).json().lines).toEqual(['older 1', 'older 2']);
    const gz = (await t.app.inject({ url: logs('error/?rotation=2&lines=2'), headers: asToken(alice.token) })).json();
    expect(gz).toMatchObject({ file: `${domain}.error.log.2.gz`, lines: ['oldest 2', 'oldest 3'], truncated: true, offset: 0 });
    expect((await t.app.inject({ url: logs('error/?rotation=7'), headers: asToken(alice.token) })).statusCode).toBe(404);
  });

  it('answers an empty tail for a log not written yet, and 400 for an unknown kind', async () => {
    const res = await t.app.inject({ url: logs('access/'), headers: asToken(alice.token) });
    expect(res.json()).toEqual({ file: `${domain}.access.log`, lines: [], truncated: false, offset: 0 });
    expect((await t.app.inject({ url: logs('secrets/'), headers: asToken(alice.token) })).statusCode).toBe(400);
  });

  it('downloads live and gzipped files as attachments, byte for byte', async () => {
    const live = await t.app.inject({ url: logs('error/download/'), headers: asCookie(alice) });
    expect(live.statusCode).toBe(200);
    expect(live.headers['content-disposition']).toBe(`attachment; filename="${domain}.error.log"`);
    expect(live.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(live.body).toBe(fs.readFileSync(path.join(logDir, `${domain}.error.log`), 'utf8'));
    const gz = await t.app.inject({ url: logs('error/download/?rotation=2'), headers: asToken(alice.token) });
    expect(gz.headers['content-type']).toBe('application/gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe('oldest 1\noldest 2\noldest 3\n');
    // The app's logs exist from its creation; one deleted since (as `pa webapp delete-logs` does) is not there to download.
    fs.rmSync(path.join(logDir, `${domain}.access.log`));
    expect((await t.app.inject({ url: logs('access/download/'), headers: asToken(alice.token) })).statusCode).toBe(404);
  });

  it("answers 404 for another user's app, whatever the path", async () => {
    for (const rest of ['', 'error/', 'error/download/', 'error/stream/?max_seconds=0']) {
      expect((await t.app.inject({ url: logs(rest), headers: asToken(bob.token) })).statusCode, rest).toBe(404);
    }
  });

  describe('confinement', () => {
    const domain2 = () => `links.${alice.username}.localhost`;
    beforeAll(async () => {
      await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/webapps/`, headers: asToken(alice.token), payload: { domain_name: domain2() } });
      // A user's process could delete the app's logs and plant these in its own /var/log.
      for (const kind of ['access', 'error', 'server']) fs.rmSync(path.join(logDir, `${domain2()}.${kind}.log`));
      fs.symlinkSync('/etc/passwd', path.join(logDir, `${domain2()}.error.log`));
      fs.symlinkSync(path.join(userDirs(t.dataDir, bob.username).home), path.join(logDir, `${domain2()}.server.log`));
      execFileSync('mkfifo', [path.join(logDir, `${domain2()}.access.log`)]);
      fs.symlinkSync('/etc/passwd', path.join(logDir, `${domain2()}.error.log.1`));
    });
    const url = (rest: string) => `/api/v0/user/${alice.username}/webapps/${domain2()}/logs/${rest}`;

    it('never reads through a symlink or blocks on a FIFO named like a log', async () => {
      for (const kind of ['error', 'server', 'access']) {
        const tail = await t.app.inject({ url: url(`${kind}/`), headers: asToken(alice.token) });
        expect(tail.statusCode, kind).toBe(200);
        expect(tail.json().lines, kind).toEqual([]);
        const dl = await t.app.inject({ url: url(`${kind}/download/`), headers: asToken(alice.token) });
        expect(dl.statusCode, kind).toBe(404);
        expect(dl.body).not.toContain('root:x:0:0');
      }
      const rotated = await t.app.inject({ url: url('error/?rotation=1'), headers: asToken(alice.token) });
      expect(rotated.statusCode).toBe(404);
      const list = (await t.app.inject({ url: url(''), headers: asToken(alice.token) })).json();
      expect(list).toEqual([]);
    });
  });
});
