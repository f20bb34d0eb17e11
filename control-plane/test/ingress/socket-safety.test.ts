import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerRequest } from './router-fixture.js';
import { startStandInRouter, type StandInRouter } from './stand-in-router.js';

// What a user's app may leave at its socket's place, against stand-in apps
// (no Docker): the router connects only to a socket of the app's own uid,
// found without following links. Anything else answers the app's 502 page,
// never a byte from whatever the entry points at. The real attack, from
// inside a container against the real engine, is socket-hijack.docker.test.ts.

function rawServer(socketPath: string, body: string): Promise<net.Server> {
  const server = net.createServer((c) => {
    c.on('data', () => c.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    c.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

describe('the socket an app leaves for the router', () => {
  let router: StandInRouter;
  const servers: net.Server[] = [];
  let platform: string;

  beforeAll(async () => {
    router = await startStandInRouter(['link', 'file', 'fifo', 'stranger', 'own'], { PYHOST_APP_WAIT_SECONDS: '2' });
    // Stands in for /var/run/docker.sock or api.sock: a socket that is not the app's.
    platform = path.join(router.dir, 'platform.sock');
    servers.push(await rawServer(platform, 'PLATFORM'));
  });

  afterAll(async () => {
    for (const s of servers) s.close();
    await router.close();
  });

  const get = (name: string) => routerRequest(router.port, `${name}.localhost`, '/');

  it('refuses a symlink to a platform socket (502, nothing of the target), and says why in the error log', async () => {
    fs.symlinkSync(platform, router.socketOf('link'));
    const log = path.join(router.dir, 'users', 'u', 'log', 'link.localhost.error.log');
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, '');
    for (let i = 0; i < 3; i++) {
      const res = await get('link');
      expect(res.status).toBe(502);
      expect(res.body).not.toContain('PLATFORM');
      expect(res.body).toContain('link.localhost.error.log');
    }
    // One line however many requests (they come in floods), in the gateway's format.
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: \[pyhost\] the router refused to connect: \/run\/pyhost\/app\.sock is a symbolic link, not a socket/);
  });

  it('refuses a regular file and a FIFO in its place, at once and without hanging', async () => {
    fs.writeFileSync(router.socketOf('file'), 'HTTP/1.1 200 OK\r\n\r\nFILE');
    const t0 = Date.now();
    const res = await get('file');
    expect(res.status).toBe(502);
    expect(res.body).not.toContain('FILE');
    expect(Date.now() - t0).toBeLessThan(1500); // refused, not waited for as a starting app (2 s)
    execFileSync('mkfifo', [router.socketOf('fifo')]);
    expect((await get('fifo')).status).toBe(502);
  });

  it('refuses a socket that belongs to another uid (another user\'s app), and serves its own', async () => {
    servers.push(await rawServer(router.socketOf('stranger'), 'STRANGER'));
    fs.lchownSync(router.socketOf('stranger'), 4242, 4242);
    const refused = await get('stranger');
    expect(refused.status).toBe(502);
    expect(refused.body).not.toContain('STRANGER');
    servers.push(await rawServer(router.socketOf('own'), 'OWN'));
    expect(await get('own')).toMatchObject({ status: 200, body: 'OWN' });
  });

  it('never reuses a kept connection once app.sock has become a link, even to the same server', async () => {
    // The app's real socket is still listening under another name; app.sock now leads there by a link.
    const real = `${router.socketOf('own')}.real`;
    fs.renameSync(router.socketOf('own'), real);
    fs.symlinkSync(real, router.socketOf('own'));
    expect((await get('own')).status).toBe(502);
    fs.rmSync(router.socketOf('own'));
    fs.renameSync(real, router.socketOf('own'));
    expect(await get('own')).toMatchObject({ status: 200, body: 'OWN' });
  });
});
