import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';
import { userDirs } from '../../src/domain/layout.js';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads a text/event-stream response, collecting parsed events as they arrive. */
function collect(body: ReadableStream<Uint8Array>): { events: SseEvent[]; lines(): string[]; done: Promise<void> } {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    const reader = body.getReader();
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) return;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const ev: SseEvent = {};
        for (const line of block.split('\n')) {
          const m = /^(id|event|data): (.*)$/.exec(line);
          if (m) ev[m[1] as keyof SseEvent] = m[2];
        }
        if (ev.event) events.push(ev);
      }
    }
  })();
  return { events, done, lines: () => events.flatMap((e) => (JSON.parse(e.data!) as { lines: string[] }).lines) };
}

describe('live log stream (Server-Sent Events)', () => {
  let t: TestApp;
  let alice: TestUser;
  let base: string;
  let logFile: string;
  const controllers: AbortController[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t.app);
    await t.app.inject({ method: 'POST', url: `/api/v0/user/${alice.username}/webapps/`, headers: asToken(alice.token), payload: {} });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}/api/v0/user/${alice.username}/webapps/${alice.username}.localhost/logs/error/stream/`;
    logFile = path.join(userDirs(t.dataDir, alice.username).log, `${alice.username}.localhost.error.log`);
  });
  afterAll(async () => {
    for (const c of controllers) c.abort();
    await t.close();
  });

  async function open(query = '', headers: Record<string, string> = {}) {
    const controller = new AbortController();
    controllers.push(controller);
    const res = await fetch(base + query, { headers: { ...asToken(alice.token), ...headers }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    return { ...collect(res.body!), close: () => controller.abort() };
  }

  it('waits for a log that does not exist yet, then streams its lines as they are written', async () => {
    const stream = await open();
    fs.appendFileSync(logFile, 'first\nsecond\n');
    await eventually(() => expect(stream.lines()).toEqual(['first', 'second']));
    fs.appendFileSync(logFile, 'third, in two ');
    fs.appendFileSync(logFile, 'writes\n');
    await eventually(() => expect(stream.lines()).toEqual(['first', 'second', 'third, in two writes']));
    expect(Number(stream.events.at(-1)!.id)).toBe(fs.statSync(logFile).size);
    stream.close();
  });

  it('starts at the end by default, or at a given offset, or where Last-Event-ID says', async () => {
    const size = fs.statSync(logFile).size;
    const fromEnd = await open();
    const fromStart = await open('?offset=0');
    const resumed = await open('', { 'last-event-id': String(size) });
    fs.appendFileSync(logFile, 'fourth\n');
    await eventually(() => expect(fromEnd.lines()).toEqual(['fourth']));
    await eventually(() => expect(fromStart.lines()).toEqual(['first', 'second', 'third, in two writes', 'fourth']));
    await eventually(() => expect(resumed.lines()).toEqual(['fourth']));
    for (const s of [fromEnd, fromStart, resumed]) s.close();
  });

  it('keeps following across a rotation, and sends JSON so any bytes stay on one data line', async () => {
    const stream = await open();
    fs.appendFileSync(logFile, 'before rotation\n');
    await eventually(() => expect(stream.lines()).toEqual(['before rotation']));
    fs.renameSync(logFile, `${logFile}.1`);
    fs.writeFileSync(logFile, 'after rotation\n<script>alert(1)</script>\r\ndata: forged\n');
    await eventually(() => expect(stream.lines()).toEqual(['before rotation', 'after rotation', '<script>alert(1)</script>', 'data: forged']));
    stream.close();
  });

  it("ends at once when the account is deleted, and the account's token and session stop working", async () => {
    const bob = await createUser(t.app);
    expect((await t.app.inject({ method: 'POST', url: `/api/v0/user/${bob.username}/webapps/`, headers: asToken(bob.token), payload: {} })).statusCode).toBe(201);
    const url = base.replaceAll(alice.username, bob.username);
    const controller = new AbortController();
    controllers.push(controller);
    const res = await fetch(url, { headers: asToken(bob.token), signal: controller.signal });
    expect(res.status).toBe(200);
    const stream = collect(res.body!);
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${bob.username}`, headers: asToken(await adminToken(t.app)), payload: { confirm: bob.username, files: 'erase' } });
    expect(deleted.statusCode, deleted.body).toBe(200);
    await stream.done;
    expect((await t.app.inject({ url: '/api/auth/me', headers: asToken(bob.token) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: bob.cookie } })).statusCode).toBe(401);
  });

  it('closes after max_seconds, and when the api shuts down', async () => {
    const short = await open('?max_seconds=1');
    await short.done; // ends by itself
    const long = await open();
    const closing = t.app.close();
    await long.done;
    await closing;
  });
});
