// The load helper against a local node:http server on a unix socket: it must
// count what the server saw, count failures honestly, and never send anything
// to a non-loopback target.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertLoopbackUrl, runLoad, startLoad, summarize } from '../helpers/load.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

interface TestServer {
  socketPath: string;
  /** Requests the handler was called for. */
  received(): number;
  hosts: string[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function listen(server: http.Server, target: string | { port: number; host: string }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (typeof target === 'string') server.listen(target, resolve);
    else server.listen(target.port, target.host, resolve);
  });
}

async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function startServer(handler: Handler): Promise<TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-load-'));
  const socketPath = path.join(dir, 'app.sock');
  let n = 0;
  const hosts: string[] = [];
  const server = http.createServer((req, res) => {
    n++;
    hosts.push(req.headers.host ?? '');
    handler(req, res, n);
  });
  await listen(server, socketPath);
  const close = async (): Promise<void> => {
    await closeServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(close);
  return { socketPath, received: () => n, hosts, close };
}

const ok: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<h1>Pyhost blog</h1>');
};

describe('runLoad on a unix socket', () => {
  it('counts every request the server answered, with the Host header it was given', async () => {
    const server = await startServer(ok);
    const result = await runLoad({
      socketPath: server.socketPath,
      url: 'http://alice.localhost/',
      concurrency: 4,
      // Bounded by count, not by how many fit in a time slice of a busy machine.
      durationMs: 10_000,
      maxRequests: 40,
      expectBodyIncludes: 'Pyhost blog',
    });
    expect(result.failures).toBe(0);
    expect(result.failureSamples).toEqual([]);
    expect(result.requests).toBe(40);
    expect(result.requests).toBe(server.received());
    expect(result.statusCounts).toEqual({ 200: result.requests });
    expect(new Set(server.hosts)).toEqual(new Set(['alice.localhost']));
    expect(result.latenciesMs.p50).toBeLessThanOrEqual(result.latenciesMs.p99);
    expect(result.latenciesMs.p99).toBeLessThanOrEqual(result.latenciesMs.max);
    // Stopped by the count, well before the duration.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(result.latenciesMs.max);
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it('counts 500 answers as failures', async () => {
    const server = await startServer((req, res, n) => {
      if (n % 3 === 0) {
        res.writeHead(500);
        res.end('boom');
      } else ok(req, res, n);
    });
    const result = await runLoad({ socketPath: server.socketPath, url: 'http://localhost/', concurrency: 2, durationMs: 300 });
    const fiveHundreds = Math.floor(server.received() / 3);
    expect(fiveHundreds).toBeGreaterThan(0);
    expect(result.requests).toBe(server.received());
    expect(result.failures).toBe(fiveHundreds);
    expect(result.statusCounts[500]).toBe(fiveHundreds);
    expect(result.failureSamples[0]).toMatch(/^\+\d+ms: status 500 \(expected 200\)$/);
  });

  it('counts a connection closed without an answer as a failure', async () => {
    const server = await startServer((req, res, n) => {
      if (n % 2 === 0) req.socket.destroy();
      else ok(req, res, n);
    });
    const result = await runLoad({ socketPath: server.socketPath, url: 'http://localhost/', concurrency: 2, durationMs: 300 });
    const closed = Math.floor(server.received() / 2);
    expect(closed).toBeGreaterThan(0);
    expect(result.requests).toBe(server.received());
    expect(result.failures).toBe(closed);
    expect(result.statusCounts[200]).toBe(server.received() - closed);
    expect(result.failureSamples.join('\n')).toMatch(/UND_ERR_SOCKET|other side closed/);
  });

  it('counts an unexpected body and a slow answer as failures', async () => {
    const server = await startServer((_req, res, n) => {
      if (n === 1) return; // never answers: times out
      res.end('something else');
    });
    const result = await runLoad({
      socketPath: server.socketPath,
      url: 'http://localhost/',
      concurrency: 1,
      durationMs: 400,
      requestTimeoutMs: 200,
      expectBodyIncludes: 'Pyhost blog',
    });
    expect(result.failures).toBe(result.requests);
    expect(result.requests).toBeGreaterThan(1);
    expect(result.failureSamples[0]).toMatch(/timeout after 200 ms/);
    expect(result.failureSamples.slice(1).every((s) => s.includes('body lacks "Pyhost blog"'))).toBe(true);
  });

  it('runs in the background until stopped', async () => {
    const server = await startServer(ok);
    const run = startLoad({ socketPath: server.socketPath, url: 'http://localhost/', concurrency: 3, durationMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t0 = Date.now();
    const result = await run.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(result.failures).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBe(server.received());
    expect(await run.done).toBe(result);
  });

  it('stops at maxRequests', async () => {
    const server = await startServer(ok);
    const result = await runLoad({ socketPath: server.socketPath, url: 'http://localhost/', concurrency: 3, durationMs: 10_000, maxRequests: 7 });
    expect(result.requests).toBe(7);
    expect(server.received()).toBe(7);
  });
});

describe('loopback guard', () => {
  it('accepts loopback URLs only', () => {
    for (const url of ['http://localhost/', 'http://127.0.0.1:8080/x', 'http://127.9.8.7/', 'http://[::1]:80/', 'http://127.1/']) {
      expect(() => assertLoopbackUrl(url), url).not.toThrow();
    }
    // Parsed only: none of these is ever connected to.
    for (const url of [
      'http://0.0.0.0/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://128.0.0.1/',
      'http://localhost.invalid/',
      'http://alice.localhost/',
      'https://127.0.0.1/',
      'ftp://localhost/',
    ]) {
      expect(() => assertLoopbackUrl(url), url).toThrow(/loopback|http:\/\//);
    }
  });

  it('refuses a non-loopback TCP target without connecting anywhere', async () => {
    // A listener on 127.0.0.1: on Linux a connect to 0.0.0.0 would reach it,
    // so a connection here would mean the guard let the request through.
    let connections = 0;
    const server = http.createServer((req, res) => ok(req, res, 0));
    server.on('connection', () => connections++);
    await listen(server, { port: 0, host: '127.0.0.1' });
    cleanups.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;

    for (const url of [`http://0.0.0.0:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://unroutable.invalid:${port}/`]) {
      expect(() => startLoad({ url, concurrency: 1, durationMs: 100 }), url).toThrow(/loopback/);
      await expect(runLoad({ url, concurrency: 1, durationMs: 100 }), url).rejects.toThrow(/loopback/);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connections).toBe(0);

    // The same listener through an allowed address does get the load.
    const result = await runLoad({ url: `http://127.0.0.1:${port}/`, concurrency: 1, durationMs: 100 });
    expect(result.failures).toBe(0);
    expect(connections).toBeGreaterThan(0);
  });

  it('rejects out-of-range options', () => {
    const base = { url: 'http://127.0.0.1:1/', concurrency: 1, durationMs: 100 };
    expect(() => startLoad({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => startLoad({ ...base, concurrency: 1.5 })).toThrow(/concurrency/);
    expect(() => startLoad({ ...base, durationMs: 0 })).toThrow(/durationMs/);
    expect(() => startLoad({ ...base, durationMs: 3_600_000 })).toThrow(/durationMs/);
  });
});

describe('summarize', () => {
  it('takes nearest-rank percentiles', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(latencies)).toEqual({ p50: 50, p99: 99, max: 100 });
    expect(summarize([3])).toEqual({ p50: 3, p99: 3, max: 3 });
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });
});
