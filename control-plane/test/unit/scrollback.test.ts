import { describe, expect, it } from 'vitest';
import { Scrollback, plainText } from '../../src/domain/scrollback.js';

describe('Scrollback', () => {
  it('keeps everything while under its size', () => {
    const s = new Scrollback(100);
    s.append(Buffer.from('hello\n'));
    s.append(Buffer.from('world'));
    expect(s.contents().toString()).toBe('hello\nworld');
  });

  it('drops the oldest bytes and replays from a line start', () => {
    const s = new Scrollback(16);
    for (let i = 0; i < 10; i++) s.append(Buffer.from(`line${i}\n`));
    expect(s.byteLength).toBe(16);
    const text = s.contents().toString();
    expect(text).toBe('line8\nline9\n');
  });

  it('keeps the tail of a single chunk larger than itself', () => {
    const s = new Scrollback(8);
    s.append(Buffer.from('0123456789\nabcdefg'));
    expect(s.byteLength).toBe(8);
    expect(s.contents().toString()).toBe('abcdefg');
  });

  it('stays bounded under a flood', () => {
    const s = new Scrollback(64 * 1024);
    const chunk = Buffer.alloc(3000, 'y\n');
    for (let i = 0; i < 2000; i++) s.append(chunk);
    expect(s.byteLength).toBe(64 * 1024);
    expect(s.contents().length).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('plainText', () => {
  it.each<[string, string]>([
    ['\x1b[?2004halice@pyhost:~$ ls\r\n\x1b[?2004l\rfile.py\r\n', 'alice@pyhost:~$ ls\nfile.py\n'],
    ['\x1b[01;32mgreen\x1b[0m', 'green'],
    ['\x1b]0;title\x07prompt$ ', 'prompt$ '],
    ['10%\r50%\r100%\r\n', '100%\n'],
    ['bell\x07 and back\x08space', 'bell and backspace'],
  ])('%j → %j', (raw, expected) => expect(plainText(raw)).toBe(expected));
});
