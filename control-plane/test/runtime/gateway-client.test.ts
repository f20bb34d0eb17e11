// The gateway client against stand-in servers on real unix sockets: fast,
// and covers the failure modes (missing socket, silent server, HTTP/1.0
// close-delimited bodies) that a healthy real gateway never shows.
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseReload, parseStatus, probe, reload, status, waitUntilAnswers } from '../../src/runtime/gateway-client.js';

let runDir: string;
const servers: net.Server[] = [];

beforeEach(async () => {
  runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pyhost-gw-'));
});

afterEach(async () => {
  for (const s of servers.splice(0).reverse()) {
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await fs.rm(runDir, { recursive: true, force: true });
});

// Reads and ignores everything: a server that accepted but never answers.
// (Reading matters: an unread socket never notices the client hanging up,
// and close() would wait for it forever.)
function silent(): net.Server {
  return net.createServer((sock) => sock.resume());
}

async function listen(server: net.Server, name: string): Promise<void> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path.join(runDir, name), resolve));
}

// Python's http.server answers HTTP/1.0 with no Content-Length and closes.
function http10(status: number, body: string): net.Server {
  return net.createServer((sock) => {
    sock.once('data', () => {
      sock.end(`HTTP/1.0 ${status} X\r\nContent-Type: application/json\r\n\r\n${body}`);
    });
  });
}

describe('parsers', () => {
  it('parses a status', () => {
    const body = JSON.stringify({ state: 'running', server: 'uwsgi', started_at: 1700000000.5, reloads: 2, last_error: null });
    expect(parseStatus(body)).toEqual({ state: 'running', server: 'uwsgi', startedAt: 1700000000.5, reloads: 2, lastError: null });
  });
  it.each(['nope', '[]', '{"state":"weird","server":"uwsgi","started_at":1,"reloads":0}', '{"state":"running","server":"x","started_at":1,"reloads":0}'])(
    'rejects status %s',
    (body) => expect(parseStatus(body)).toBeNull(),
  );
  it.each([
    [200, '{"ok":true,"duration_ms":840}', { ok: true, durationMs: 840 }],
    [422, '{"ok":false,"error":"ImportError: x","log_tail":"Traceback..."}', { ok: false, error: 'ImportError: x', logTail: 'Traceback...' }],
    [500, 'oops', { ok: false, error: 'gateway answered HTTP 500 to reload', logTail: '' }],
  ])('parses reload HTTP %i', (code, body, expected) => {
    expect(parseReload(code, body)).toEqual(expected);
  });
});

describe('against stand-in sockets', () => {
  it('reads status from an HTTP/1.0 control socket', async () => {
    await listen(http10(200, '{"state":"starting","server":"gunicorn","started_at":5,"reloads":0,"last_error":null}'), 'control.sock');
    await expect(status(runDir, 2000)).resolves.toMatchObject({ state: 'starting', server: 'gunicorn' });
  });

  it('status throws when the control socket is missing', async () => {
    await expect(status(runDir, 500)).rejects.toThrow(/gateway status/);
  });

  it('returns the reload failure with the log tail', async () => {
    await listen(http10(422, '{"ok":false,"error":"SyntaxError","log_tail":"line 3"}'), 'control.sock');
    await expect(reload(runDir, 2000)).resolves.toEqual({ ok: false, error: 'SyntaxError', logTail: 'line 3' });
  });

  it('reports an unreachable gateway as a failed reload, not an exception', async () => {
    const r = await reload(runDir, 500);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.error).toMatch(/not reachable/);
  });

  it('times a reload out when the gateway never answers', async () => {
    await listen(silent(), 'control.sock');
    const started = Date.now();
    const r = await reload(runDir, 300);
    expect(r).toEqual({ ok: false, error: 'gateway not reachable for reload: no answer within 300 ms', logTail: '' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('probe counts any HTTP status as answering', async () => {
    await listen(
      http.createServer((_req, res) => {
        res.statusCode = 500;
        res.end('boom');
      }),
      'app.sock',
    );
    expect(await probe(runDir, 1000)).toBe(true);
  });

  it('probe is false for a missing socket, a refused connection and a silent server', async () => {
    expect(await probe(runDir, 300)).toBe(false);
    await fs.writeFile(path.join(runDir, 'app.sock'), ''); // a stale non-socket file
    expect(await probe(runDir, 300)).toBe(false);
    await fs.rm(path.join(runDir, 'app.sock'));
    await listen(silent(), 'app.sock');
    expect(await probe(runDir, 300)).toBe(false);
  });

  it('probe does not wait for an endless body', async () => {
    await listen(
      http.createServer((_req, res) => {
        res.writeHead(200);
        res.write('first chunk, and then nothing');
      }),
      'app.sock',
    );
    expect(await probe(runDir, 1000)).toBe(true);
  });

  it('probe is false for a socket path longer than the kernel allows', async () => {
    const deep = path.join(runDir, 'x'.repeat(120));
    expect(await probe(deep, 300)).toBe(false);
  });

  it('waitUntilAnswers sees a server that comes up late', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const waiting = waitUntilAnswers(runDir, 5000);
    // Let a few probes fail first.
    setTimeout(() => void listen(server, 'app.sock'), 300);
    await expect(waiting).resolves.toBe(true);
  });

  it('waitUntilAnswers gives up at its deadline', async () => {
    const started = Date.now();
    await expect(waitUntilAnswers(runDir, 400)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
