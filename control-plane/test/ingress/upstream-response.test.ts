import { describe, expect, it } from 'vitest';
import { MalformedResponse, ResponseParser, type ResponseHead } from '../../src/ingress/upstream-response.js';

function parse(chunks: (string | Buffer)[], options: { head?: boolean; close?: boolean } = {}) {
  let head: ResponseHead | null = null;
  const body: Buffer[] = [];
  let ended = 0;
  const p = new ResponseParser({ onHead: (h) => (head = h), onBody: (b) => body.push(Buffer.from(b)), onMessageEnd: () => ended++ }, options.head ?? false);
  for (const c of chunks) p.feed(Buffer.isBuffer(c) ? c : Buffer.from(c, 'latin1'));
  if (options.close) p.finish();
  return { head: head as ResponseHead | null, body: Buffer.concat(body).toString('latin1'), ended, done: p.done, reusable: p.reusable };
}

/** Every way of cutting the input into two reads must give the same result. */
function everySplit(text: string, options: { head?: boolean; close?: boolean } = {}) {
  const whole = parse([text], options);
  for (let i = 1; i < text.length; i++) expect(parse([text.slice(0, i), text.slice(i)], options)).toEqual(whole);
  return whole;
}

describe('the upstream response parser', () => {
  it('reads a Content-Length response and drops hop-by-hop headers', () => {
    const r = everySplit('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nKeep-Alive: x\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello');
    expect(r.head).toEqual({ status: 200, reason: 'OK', framing: 'length', persistent: false, headers: ['Content-Type', 'text/plain', 'Content-Length', '5', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'] });
    expect(r.body).toBe('hello');
    expect(r.ended).toBe(1);
  });

  it('decodes chunked bodies (extensions and trailers dropped) and ignores what follows the message', () => {
    const r = everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nHTTP/1.1 200 OK\r\n\r\nsmuggled');
    expect(r.head!.framing).toBe('chunked');
    expect(r.head!.headers).toEqual([]);
    expect(r.body).toBe('hello world');
    expect(r.ended).toBe(1);
    expect(r.reusable).toBe(false); // bytes after the message: the connection is not trusted again
  });

  it('says when the connection can carry another request', () => {
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    expect(everySplit(ok).reusable).toBe(true);
    expect(everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n').reusable).toBe(true);
    expect(everySplit('HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok').reusable).toBe(true);
    // Not: the app says it closes, speaks HTTP/1.0, ends the body by closing, or
    // answered without a body by rule (it might send one anyway).
    expect(everySplit('HTTP/1.1 200 OK\r\nConnection: x, close\r\nContent-Length: 2\r\n\r\nok').reusable).toBe(false);
    expect(everySplit('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok').reusable).toBe(false);
    expect(parse(['HTTP/1.1 200 OK\r\n\r\nok'], { close: true }).reusable).toBe(false);
    expect(everySplit('HTTP/1.1 304 Not Modified\r\n\r\n').reusable).toBe(false);
    expect(everySplit('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', { head: true }).reusable).toBe(false);
    // Not before the message has ended.
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no']).reusable).toBe(false);
  });

  it('reads a body that runs until the app closes', () => {
    const r = parse(['HTTP/1.0 200 OK\r\n\r\nsome ', 'bytes'], { close: true });
    expect(r.head!.framing).toBe('close');
    expect(r.body).toBe('some bytes');
    expect(r.ended).toBe(1);
  });

  it('has no body for HEAD, 204 and 304, whatever the headers say', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'], { head: true })).toMatchObject({ ended: 1, body: '' });
    expect(parse(['HTTP/1.1 204 No Content\r\n\r\n'])).toMatchObject({ ended: 1 });
    expect(parse(['HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\nabc'])).toMatchObject({ ended: 1, body: '' });
  });

  it('skips interim 1xx responses', () => {
    const r = everySplit('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect(r.head!.status).toBe(200);
    expect(r.body).toBe('ok');
  });

  it.each([
    ['no status line', 'HTP/1.1 200 OK\r\n\r\n'],
    ['a folded header', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 0\r\n\r\n'],
    ['a bad header name', 'HTTP/1.1 200 OK\r\nX A: 1\r\n\r\n'],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n'],
    ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['a negative length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['chunked beside a length', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['gzip, chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data without CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXX'],
    ['a 101 on a plain request', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ])('refuses %s', (_name, text) => {
    expect(() => parse([text])).toThrow(MalformedResponse);
  });

  it('refuses headers that never end, and a message cut off by close', () => {
    expect(() => parse([`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`])).toThrow(/too large/);
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], { close: true })).toThrow(/middle/);
    expect(() => parse([''], { close: true })).toThrow(/without answering/);
  });
});
