import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { eventually } from '../helpers/eventually.js';
import { createRouterFixture, ECHO_APP, type RouterFixture } from './router-fixture.js';

/** What the router reads from the wire: smuggling probes, huge or slow requests, WebSockets. */
describe('hostile HTTP and WebSockets through the router', () => {
  let f: RouterFixture;
  let echo: string;

  beforeAll(async () => {
    f = await createRouterFixture({ PYHOST_HEADERS_TIMEOUT_SECONDS: '1', PYHOST_REQUEST_TIMEOUT_SECONDS: '2' });
    echo = await f.createApp('echo', ECHO_APP);
  });
  afterAll(async () => {
    await f?.close();
  });

  /** Writes raw bytes on one connection and collects everything until the router closes it (bounded). */
  function exchange(payload: string | Buffer, waitMs = 1500): Promise<{ text: string; closed: boolean }> {
    return new Promise((resolve) => {
      const socket = net.connect(f.router.port, '127.0.0.1');
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ text, closed: false });
      }, waitMs);
      socket.on('data', (d) => (text += d.toString('latin1')));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ text, closed: true });
      });
      socket.on('error', () => undefined);
      socket.write(payload);
    });
  }

  // Responses follow each other without a line break: a body is not newline-terminated.
  const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d{3}/g) ?? [];

  it('refuses request smuggling with 400 and closes the connection, so the next request is never read', async () => {
    const h = `Host: ${echo}\r\n`;
    const probes: Record<string, string> = {
      'CL.TE': `POST /probe HTTP/1.1\r\n${h}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`,
      'TE.CL': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`,
      'two different Content-Length': `POST /probe HTTP/1.1\r\n${h}Content-Length: 4\r\nContent-Length: 30\r\n\r\nabcd`,
      'two equal Content-Length': `POST /probe HTTP/1.1\r\n${h}Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd`,
      'Content-Length list': `POST /probe HTTP/1.1\r\n${h}Content-Length: 4, 4\r\n\r\nabcd`,
      'Content-Length +4': `POST /probe HTTP/1.1\r\n${h}Content-Length: +4\r\n\r\nabcd`,
      'TE: xchunked': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`,
      'TE with a space before the colon': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
      'TE folded onto the next line': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n`,
      'TE: chunked, identity': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
      'TE twice': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`,
      'TE with a vertical tab': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n`,
      'bare LF line ends': `POST /probe HTTP/1.1\n${h.trim()}\nContent-Length: 0\n\n`,
      'chunk size overflow': `POST /probe HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF1\r\nabc\r\n0\r\n\r\n`,
    };
    for (const [name, probe] of Object.entries(probes)) {
      // A request the router must never see as a second request on this connection.
      const { text, closed } = await exchange(`${probe}GET /smuggled HTTP/1.1\r\n${h}\r\n`);
      expect(statusLines(text), name).toEqual(['HTTP/1.1 400']);
      expect(closed, `${name}: connection closed`).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 200)); // the access log is written in batches
    const log = path.join(userDirs(f.t.dataDir, f.user.username).log, `${echo}.access.log`);
    const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
    // Some probes are refused only once their body is read; they are logged as the 400 they got.
    expect(lines).not.toMatch(/smuggled/);
    for (const line of lines.split('\n').filter(Boolean)) expect(line).toMatch(/"POST \/probe HTTP\/1\.1" 400 0 /);
  });

  it('keeps a keep-alive connection in step across a chunked request and the one after it', async () => {
    const h = `Host: ${echo}\r\n`;
    const { text } = await exchange(`POST /first HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nGET /second HTTP/1.1\r\n${h}Connection: close\r\n\r\n`, 5000);
    expect(statusLines(text)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(text).toMatch(/"path": "\/first".*"body": "hello world".*HTTP\/1\.1 200.*"path": "\/second".*"body": ""/s);
  });

  it('answers 431 to oversized headers', async () => {
    const { text, closed } = await exchange(`GET / HTTP/1.1\r\nHost: ${echo}\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(statusLines(text)).toEqual(['HTTP/1.1 431']);
    expect(closed).toBe(true);
  });

  it('cuts off clients that send their headers or body too slowly', async () => {
    const slow = (first: string, drip: string) =>
      new Promise<number>((resolve) => {
        const t0 = Date.now();
        const socket = net.connect(f.router.port, '127.0.0.1', () => socket.write(first));
        const drips = setInterval(() => socket.write(drip), 200);
        const limit = setTimeout(() => socket.destroy(), 8000);
        socket.on('data', () => undefined);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(drips);
          clearTimeout(limit);
          resolve(Date.now() - t0);
        });
      });
    // Headers one byte at a time, never finished: headers timeout is 1 s.
    expect(await slow(`GET / HTTP/1.1\r\nHost: ${echo}\r\nX-Slow: `, 'a')).toBeLessThan(4000);
    // A body that never arrives in full: request timeout is 2 s.
    expect(await slow(`POST / HTTP/1.1\r\nHost: ${echo}\r\nContent-Length: 100000\r\n\r\n`, 'b')).toBeLessThan(6000);
  });

  it('passes WebSockets through to the app', async () => {
    const socket = net.connect(f.router.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    const key = crypto.randomBytes(16).toString('base64');
    socket.write(`GET /ws HTTP/1.1\r\nHost: ${echo}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const head = await eventually(() => {
      const text = Buffer.concat(received).toString('latin1');
      if (!text.includes('\r\n\r\n')) throw new Error('no handshake yet');
      return text;
    });
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    expect(head).toContain(`Sec-WebSocket-Accept: ${accept}`);
    received.length = 0;
    for (const message of ['hello', 'through the router']) {
      socket.write(maskedTextFrame(message));
      const reply = await eventually(() => {
        const frame = readTextFrame(Buffer.concat(received));
        if (frame === null) throw new Error('no frame yet');
        return frame;
      });
      expect(reply).toBe(`echo: ${message}`);
      received.length = 0;
    }
    socket.destroy();
    const log = path.join(userDirs(f.t.dataDir, f.user.username).log, `${echo}.access.log`);
    await eventually(() => expect(fs.readFileSync(log, 'utf8')).toMatch(/"GET \/ws HTTP\/1\.1" 101 /), { timeoutMs: 5000 });
  });
});

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

function readTextFrame(data: Buffer): string | null {
  if (data.length < 2) return null;
  const length = data[1]! & 0x7f;
  if (length > 125) throw new Error('test frames are short');
  if (data.length < 2 + length) return null;
  return data.subarray(2, 2 + length).toString();
}
