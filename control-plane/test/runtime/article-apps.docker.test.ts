// The article's WSGI examples, request heads at the router's limits and a
// crash loop, on the real engine and the real runtime image, with both
// servers. Talks to app.sock directly, as the router does. Needs
// pyhost-runtime:latest (scripts/build-runtime-image.sh).
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/runtime/docker-runtime.js';
import { ARTICLE_ENVIRON, ARTICLE_HELLO } from '../helpers/article-apps.js';
import { eventually } from '../helpers/eventually.js';
import { IMAGE, defer, docker, expectAnswers, helloSpec, runCleanups, wsgiPath, writeOwned } from './docker-fixtures.js';

const runtime = new DockerRuntime(docker);
const SERVERS = ['uwsgi', 'gunicorn'] as const;
type Server = (typeof SERVERS)[number];

// What the router may forward at most: 100 header fields from the client
// and 8 of its own, in a 32 KiB head (runtime-image/gateway/pyhost_gateway/argv.py).
const MOST_HEADER_FIELDS = 108;
const ROUTER_MAX_HEAD_BYTES = 32 * 1024;
const LONGEST_URL = 30 * 1024;
// The gateway's exit status after a crash loop (runtime-contract.md).
const EXIT_CRASH_LOOP = 3;

let generation = 0;

async function startApp(server: Server, code: string) {
  const base = await helloSpec(++generation);
  const spec = { ...base, env: { ...base.env, PYHOST_SERVER: server } };
  await writeOwned(wsgiPath(spec.hostPaths, spec.domain), code);
  const container = await runtime.start(spec);
  defer(() => runtime.remove(container.id));
  return { spec, container, socket: path.join(spec.hostPaths.run, 'app.sock') };
}

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/** One GET on a connection of its own, closed after the response (Node sends `Connection: close`). */
function get(socketPath: string, options: { path?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: options.path ?? '/', headers: { host: 'localhost', ...options.headers }, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socketPath} within 15 s`)));
    req.on('error', reject);
  });
}

/** `count` header fields in all, Host and Connection (added by Node) included. */
function fields(count: number, valueLength = 1): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < count - 2; i++) headers[`x-field-${String(i).padStart(3, '0')}`] = 'v'.repeat(valueLength);
  return headers;
}

beforeAll(async () => {
  await runtime.ping();
  if (!(await runtime.imageExists(IMAGE))) throw new Error(`image ${IMAGE} is missing: run scripts/build-runtime-image.sh first`);
});

afterAll(runCleanups);

describe.each(SERVERS)('the article’s apps with %s', (server) => {
  let hello: Awaited<ReturnType<typeof startApp>>;
  let environ: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    [hello, environ] = await Promise.all([startApp(server, ARTICLE_HELLO), startApp(server, ARTICLE_ENVIRON)]);
    await Promise.all([expectAnswers(hello.spec, hello.container.id), expectAnswers(environ.spec, environ.container.id)]);
  });

  // Without a length, uWSGI kept the connection open after the response:
  // each ended only at its 4 s socket-timeout, and the three took 4, 8, 12 s.
  it('answers the hello world to 3 parallel requests well under a second', async () => {
    const t0 = performance.now();
    const answers = await Promise.all([1, 2, 3].map(() => get(hello.socket)));
    const ms = performance.now() - t0;
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, '<h1>Hello</h1>'],
      [200, '<h1>Hello</h1>'],
      [200, '<h1>Hello</h1>'],
    ]);
    expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(1000);
  });

  it('answers the environ listing to 3 parallel requests well under a second, with the path and query it was asked', async () => {
    const t0 = performance.now();
    const answers = await Promise.all([1, 2, 3].map((i) => get(environ.socket, { path: `/page/${i}?a=${i}` })));
    const ms = performance.now() - t0;
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.body).toContain(`PATH_INFO: /page/${i + 1}\n`);
      expect(a.body).toContain(`QUERY_STRING: a=${i + 1}\n`);
      expect(a.body).toContain('REQUEST_METHOD: GET\n');
    });
    expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(1000);
  });

  it('answers 3 requests in a row on one kept connection well under a second', async () => {
    const client = new Client('http://localhost', { socketPath: hello.socket, pipelining: 1 });
    try {
      const t0 = performance.now();
      for (let i = 0; i < 3; i++) {
        const res = await client.request({ path: '/', method: 'GET', headers: { host: 'localhost' }, headersTimeout: 15_000, bodyTimeout: 15_000 });
        expect([res.statusCode, await res.body.text()]).toEqual([200, '<h1>Hello</h1>']);
      }
      const ms = performance.now() - t0;
      expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(1000);
    } finally {
      await client.close();
    }
  });

  // uWSGI dropped a request with some 120 fields ("max vec size reached")
  // and held the worker for 4 s; gunicorn answered 400 beyond 100 fields, an
  // 8190-byte header or a 4094-byte request line.
  it(`answers a request with ${MOST_HEADER_FIELDS} header fields at once`, async () => {
    const a = await get(environ.socket, { headers: fields(MOST_HEADER_FIELDS) });
    expect(a.status).toBe(200);
    expect(a.body).toContain('HTTP_X_FIELD_000: v\n');
    expect(a.body).toContain(`HTTP_X_FIELD_${MOST_HEADER_FIELDS - 3}: v\n`);
    expect(a.ms).toBeLessThan(2000);
  });

  it('answers a request with a 30 KiB header value at once', async () => {
    const value = 'b'.repeat(30 * 1024);
    const a = await get(environ.socket, { headers: { 'x-big': value } });
    expect(a.status).toBe(200);
    expect(a.body).toContain(`HTTP_X_BIG: ${value}\n`);
    expect(a.ms).toBeLessThan(2000);
  });

  it('answers a request for a 30 KiB URL at once', async () => {
    const url = `/${'u'.repeat(LONGEST_URL - 1)}`;
    const a = await get(environ.socket, { path: url });
    expect(a.status).toBe(200);
    expect(a.body).toContain(`PATH_INFO: ${url}\n`);
    expect(a.ms).toBeLessThan(2000);
  });

  it('answers the longest URL with the most header fields in a 32 KiB head at once', async () => {
    const url = `/${'u'.repeat(LONGEST_URL - 1)}`;
    const fixed = `GET ${url} HTTP/1.1\r\nhost: localhost\r\nConnection: close\r\n\r\n`.length;
    const lineOverhead = 'x-field-000: \r\n'.length;
    const valueLength = Math.floor((ROUTER_MAX_HEAD_BYTES - fixed) / (MOST_HEADER_FIELDS - 2)) - lineOverhead;
    const headers = fields(MOST_HEADER_FIELDS, valueLength);
    const head = fixed + Object.keys(headers).length * (lineOverhead + valueLength);
    expect(head).toBeLessThanOrEqual(ROUTER_MAX_HEAD_BYTES);
    expect(head).toBeGreaterThan(ROUTER_MAX_HEAD_BYTES - MOST_HEADER_FIELDS);
    const a = await get(environ.socket, { path: url, headers });
    expect(a.status).toBe(200);
    expect(a.body).toContain(`PATH_INFO: ${url}\n`);
    expect(a.body).toContain(`HTTP_X_FIELD_${MOST_HEADER_FIELDS - 3}: ${'v'.repeat(valueLength)}\n`);
    expect(a.ms).toBeLessThan(2000);
  });

  // The router runs as its own uid and reaches app.sock through a run
  // directory that keeps everyone else out; it appends to the error log.
  it('makes app.sock 0666, upstream.json 0644, control.sock 0660 and the server log 0660', async () => {
    const run = hello.spec.hostPaths.run;
    expect({
      app: await mode(path.join(run, 'app.sock')),
      upstream: await mode(path.join(run, 'upstream.json')),
      control: await mode(path.join(run, 'control.sock')),
      server: await mode(path.join(hello.spec.hostPaths.log, `${hello.spec.domain}.server.log`)),
    }).toEqual({ app: '666', upstream: '644', control: '660', server: '660' });
  });
});

async function mode(file: string): Promise<string> {
  return ((await fs.stat(file)).mode & 0o777).toString(8);
}

// Imported by the server's master: the server dies a second after every start.
const DIES_A_SECOND_AFTER_START = `import os, threading
threading.Timer(1.0, os._exit, args=(1,)).start()

def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'up for a second']
`;

describe('a server that dies a second after every start', () => {
  // Before, the gateway restarted it forever (backoff up to 30 s): the
  // container never exited and the app looked running.
  it('ends the container with the crash-loop status within about half a minute, the reason last in the error log, with both servers', async () => {
    const apps = await Promise.all(SERVERS.map((server) => startApp(server, DIES_A_SECOND_AFTER_START)));
    const t0 = performance.now();
    const ended = await Promise.all(
      apps.map(({ container }) =>
        eventually(
          async () => {
            const c = await runtime.inspect(container.id);
            if (c?.state !== 'exited') throw new Error(`container is ${c?.state}`);
            return { exitCode: c.exitCode, seconds: (performance.now() - t0) / 1000 };
          },
          { timeoutMs: 80_000, intervalMs: 250, what: 'the container to exit' },
        ),
      ),
    );
    for (const [i, server] of SERVERS.entries()) {
      const { spec } = apps[i]!;
      expect(ended[i]!.exitCode, server).toBe(EXIT_CRASH_LOOP);
      // 1 + 2 + 4 + 8 s of backoff and five runs of about a second; room for a busy machine.
      expect(ended[i]!.seconds, server).toBeLessThan(50);
      const errorLogFile = path.join(spec.hostPaths.log, `${spec.domain}.error.log`);
      expect(await mode(errorLogFile), 'the router appends to it through the group').toBe('660');
      const errorLog = await fs.readFile(errorLogFile, 'utf8');
      expect(errorLog.trimEnd().split('\n').at(-1)).toMatch(
        new RegExp(`: restart failed: ${server} exited 5 times in a row within a minute of starting \\(last exit status 1\\); Pyhost stopped restarting it\\. Fix the cause, then Reload\\.$`),
      );
    }
  }, 120_000);
});
