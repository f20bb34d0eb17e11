import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_USES, readUpstreamInfo, SocketPool } from '../../src/ingress/upstream-pool.js';
import type { UpstreamSocket, UpstreamUser } from '../../src/ingress/upstream-socket.js';
import { eventually } from '../helpers/eventually.js';
import { routerRequest } from './router-fixture.js';
import { startStandInRouter, type StandInRouter } from './stand-in-router.js';

// Kept-alive connections to app sockets, against stand-in apps that count
// their connections: reuse, one connection per worker with the rest queued,
// a reload's new socket, servers that close or misbehave, idle connections.

/** An app server like uWSGI's http11-socket: keeps connections, counts them. */
class CountingApp {
  readonly server: http.Server;
  connections = 0;
  open = 0;
  maxOpen = 0;
  requests = 0;
  /** The Connection header of every request it got. */
  connectionHeaders: (string | undefined)[] = [];

  constructor(body: string, delayMs = 0) {
    this.server = http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
      this.requests++;
      this.connectionHeaders.push(req.headers.connection);
      req.resume();
      req.on('end', () => setTimeout(() => res.end(body), delayMs));
    });
    this.server.on('connection', (c: net.Socket) => {
      this.connections++;
      this.open++;
      this.maxOpen = Math.max(this.maxOpen, this.open);
      c.on('close', () => this.open--);
    });
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve) => this.server.listen(socketPath, resolve));
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** A raw app: `respond` gets each request's text and the number of the request on its connection. */
function rawApp(socketPath: string, respond: (c: net.Socket, nth: number) => void): Promise<{ server: net.Server; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((c) => {
    connections++;
    let nth = 0;
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        respond(c, ++nth);
      }
    });
    c.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve({ server, connections: () => connections })));
}

const keepAlive = (workers: number) => JSON.stringify({ server: 'uwsgi', keep_alive: true, max_connections: workers, idle_timeout_s: 4 });

describe('kept-alive connections to app sockets', () => {
  let router: StandInRouter;
  const cleanups: (() => void)[] = [];
  const names = ['one', 'two', 'legacy', 'reload', 'stale', 'overrun', 'idle'];
  const get = (name: string, p = '/') => routerRequest(router.port, `${name}.localhost`, p);
  const upstreamJson = (name: string, text: string) => fs.writeFileSync(path.join(router.runDirOf(name), 'upstream.json'), text);

  const countingApps = new Map<string, CountingApp>();
  const countingAppStats = (name: string) => Promise.resolve(countingApps.get(name)!);

  async function countingApp(name: string, body: string, delayMs = 0): Promise<CountingApp> {
    const app = new CountingApp(body, delayMs);
    countingApps.set(name, app);
    await app.listen(router.socketOf(name));
    cleanups.push(() => app.close());
    return app;
  }

  beforeAll(async () => {
    router = await startStandInRouter(names, { PYHOST_APP_WAIT_SECONDS: '3', PYHOST_APP_TIMEOUT_SECONDS: '5' });
  });

  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await router.close();
  });

  it('reuses one connection for requests one after another, and sends no Connection: close', async () => {
    upstreamJson('one', keepAlive(1));
    const app = await countingApp('one', 'one');
    for (let i = 0; i < 30; i++) expect(await get('one')).toMatchObject({ status: 200, body: 'one' });
    expect(app.requests).toBe(30);
    expect(app.connections).toBe(1);
    expect(app.connectionHeaders.every((h) => h === undefined)).toBe(true);
  });

  it('replaces a kept connection after MAX_USES requests, so the worker sees its accept queue again', async () => {
    // (the api's health probe waits there while the router holds the only worker)
    const before = (await countingAppStats('one')).connections;
    for (let i = 0; i < MAX_USES; i++) expect((await get('one')).status).toBe(200);
    expect((await countingAppStats('one')).connections - before).toBe(1);
  });

  it('opens at most one connection per worker and queues the rest in order', async () => {
    upstreamJson('two', keepAlive(2));
    const app = await countingApp('two', 'two', 20);
    const results = await Promise.all(Array.from({ length: 20 }, () => get('two')));
    expect(results.every((r) => r.status === 200 && r.body === 'two')).toBe(true);
    expect(app.requests).toBe(20);
    expect(app.maxOpen).toBe(2);
    expect(app.connections).toBe(2);
  });

  it('opens a connection per request, saying Connection: close, when the socket has no upstream.json', async () => {
    const app = await countingApp('legacy', 'legacy');
    for (let i = 0; i < 5; i++) expect(await get('legacy')).toMatchObject({ status: 200, body: 'legacy' });
    expect(app.connections).toBe(5);
    expect(app.connectionHeaders).toEqual(Array(5).fill('close'));
  });

  it('sends the first request after a reload (a new socket renamed over app.sock) to the new server', async () => {
    upstreamJson('reload', keepAlive(1));
    const old = await countingApp('reload', 'old');
    expect(await get('reload')).toMatchObject({ body: 'old' });
    expect(old.open).toBe(1); // kept
    const fresh = new CountingApp('new');
    const staging = `${router.socketOf('reload')}.new`;
    await fresh.listen(staging);
    cleanups.push(() => fresh.close());
    fs.renameSync(staging, router.socketOf('reload'));
    expect(await get('reload')).toMatchObject({ status: 200, body: 'new' });
    expect(old.requests).toBe(1);
    await eventually(() => expect(old.open).toBe(0), { timeoutMs: 2000, what: 'the connection to the old server to be closed' });
  });

  it('sends a request again when a kept connection turns out closed, without answering twice', async () => {
    upstreamJson('stale', keepAlive(1));
    // Answers the first request on a connection, then drops the connection as the second arrives.
    const app = await rawApp(router.socketOf('stale'), (c, nth) => {
      if (nth === 1) c.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh');
      else c.destroy();
    });
    cleanups.push(() => app.server.close());
    for (let i = 0; i < 5; i++) expect(await get('stale')).toMatchObject({ status: 200, body: 'fresh' });
    expect(app.connections()).toBe(5);
  });

  it('never reuses a connection on which the app sent more than its response', async () => {
    upstreamJson('overrun', keepAlive(1));
    const app = await rawApp(router.socketOf('overrun'), (c) => c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged'));
    cleanups.push(() => app.server.close());
    for (let i = 0; i < 3; i++) expect(await get('overrun')).toMatchObject({ status: 200, body: 'ok' });
    expect(app.connections()).toBe(3);
  });

  it('closes connections that stay unused (long before the server would)', async () => {
    upstreamJson('idle', keepAlive(1));
    const app = await countingApp('idle', 'idle');
    await get('idle');
    expect(app.open).toBe(1);
    const t0 = Date.now();
    await eventually(() => expect(app.open).toBe(0), { timeoutMs: 3000, what: 'the idle connection to be closed' });
    expect(Date.now() - t0).toBeLessThan(2000); // uWSGI's own limit (socket-timeout) is 4 s
  });
});

describe('the queue for an app\'s connections', () => {
  it('is bounded: beyond it a request is told to wait and retry', async () => {
    const dir = fs.mkdtempSync(path.join('/tmp', 'pyhost-queue-'));
    const sock = path.join(dir, 'app.sock');
    const server = net.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const assigned: UpstreamSocket[] = [];
    const user = (): UpstreamUser => ({
      waitingIn: null,
      upstreamAssigned: (s) => assigned.push(s),
      upstreamConnected: () => undefined,
      upstreamData: () => undefined,
      upstreamEnded: () => undefined,
      upstreamFailed: () => undefined,
    });
    try {
      const pool = new SocketPool(sock, fs.statSync(sock).ino, process.getuid!(), { keepAlive: true, maxConnections: 1, idleMs: 1000 }, 2);
      const users = [user(), user(), user(), user()];
      expect(users.map((u) => pool.acquire(u))).toEqual([true, true, true, false]);
      expect(assigned).toHaveLength(1);
      expect(users.map((u) => u.waitingIn === pool)).toEqual([false, true, true, false]);
      // The first one is done: the next in line gets the same connection, and there is room again.
      pool.release(assigned[0]!, true);
      expect(assigned).toEqual([assigned[0], assigned[0]]);
      expect(pool.acquire(user())).toBe(true);
      for (const s of assigned) s.destroy();
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands every waiting request back to be retried when its socket is gone as the last connection closes', async () => {
    // A container replacement: the old gateway unlinks app.sock and its server closes
    // the kept connection while requests still wait for it in the router.
    const dir = fs.mkdtempSync(path.join('/tmp', 'pyhost-queue-'));
    const sock = path.join(dir, 'app.sock');
    const server = net.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const assigned: UpstreamSocket[] = [];
    const failed: string[] = [];
    const user = (): UpstreamUser => ({
      waitingIn: null,
      upstreamAssigned: (s) => assigned.push(s),
      upstreamConnected: () => undefined,
      upstreamData: () => undefined,
      upstreamEnded: () => undefined,
      upstreamFailed: (err) => failed.push((err as NodeJS.ErrnoException).code ?? err.message),
    });
    try {
      const pool = new SocketPool(sock, fs.statSync(sock).ino, process.getuid!(), { keepAlive: true, maxConnections: 1, idleMs: 1000 });
      const users = [user(), user(), user(), user()];
      expect(users.map((u) => pool.acquire(u))).toEqual([true, true, true, true]);
      fs.unlinkSync(sock);
      assigned[0]!.destroy();
      await eventually(() => expect(failed).toEqual(['ENOENT', 'ENOENT', 'ENOENT']), { timeoutMs: 2000, what: 'every waiting request to be told the socket is gone' });
      expect(users.map((u) => u.waitingIn)).toEqual([null, null, null, null]);
      expect(pool.unused).toBe(true);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('upstream.json', () => {
  it('is read strictly: anything odd means one connection per request', () => {
    const dir = fs.mkdtempSync(path.join('/tmp', 'pyhost-upstream-'));
    const file = path.join(dir, 'upstream.json');
    const me = process.getuid!();
    const write = (v: unknown) => fs.writeFileSync(file, typeof v === 'string' ? v : JSON.stringify(v));
    try {
      expect(readUpstreamInfo(file, me)).toMatchObject({ keepAlive: false });
      write({ keep_alive: true, max_connections: 3, idle_timeout_s: 4 });
      expect(readUpstreamInfo(file, me)).toEqual({ keepAlive: true, maxConnections: 3, idleMs: 1000 });
      write({ keep_alive: true, max_connections: 3, idle_timeout_s: 2 });
      expect(readUpstreamInfo(file, me).idleMs).toBe(500);
      // Several router processes share the workers; less than one each means a connection per request.
      write({ keep_alive: true, max_connections: 4, idle_timeout_s: 4 });
      expect(readUpstreamInfo(file, me, 2)).toMatchObject({ keepAlive: true, maxConnections: 2 });
      expect(readUpstreamInfo(file, me, 3)).toMatchObject({ keepAlive: true, maxConnections: 1 });
      expect(readUpstreamInfo(file, me, 5)).toMatchObject({ keepAlive: false });
      for (const bad of ['{', { keep_alive: 'yes', max_connections: 1, idle_timeout_s: 4 }, { keep_alive: true, max_connections: 0, idle_timeout_s: 4 },
        { keep_alive: true, max_connections: 1.5, idle_timeout_s: 4 }, { keep_alive: true, max_connections: 1000, idle_timeout_s: 4 }, { keep_alive: true, max_connections: 1 },
        { keep_alive: false, max_connections: 1, idle_timeout_s: 4 }]) {
        write(bad);
        expect(readUpstreamInfo(file, me)).toMatchObject({ keepAlive: false });
      }
      // It is in a folder the app can write: never followed, never blocked on, only the app's own.
      write({ keep_alive: true, max_connections: 3, idle_timeout_s: 4 });
      expect(readUpstreamInfo(file, me + 1)).toMatchObject({ keepAlive: false });
      const real = path.join(dir, 'real.json');
      fs.renameSync(file, real);
      fs.symlinkSync(real, file);
      expect(readUpstreamInfo(file, me)).toMatchObject({ keepAlive: false });
      fs.rmSync(file);
      execFileSync('mkfifo', [file]);
      expect(readUpstreamInfo(file, me)).toMatchObject({ keepAlive: false }); // at once, not after a writer shows up
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
