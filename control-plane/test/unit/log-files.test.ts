import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fsp from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { logFileName, parseLogFileName, splitLines } from '../../src/domain/log-files.js';
import { openLogFile, tailPlain } from '../../src/services/logs/log-reader.js';

describe('log file names', () => {
  it.each([
    ['a.localhost.error.log', { kind: 'error', rotation: 0, compressed: false }],
    ['a.localhost.access.log.1', { kind: 'access', rotation: 1, compressed: false }],
    ['a.localhost.server.log.12.gz', { kind: 'server', rotation: 12, compressed: true }],
    ['a.localhost.error.log.0', null],
    ['a.localhost.error.log.gz', null],
    ['b.a.localhost.error.log', null],
    ['a.localhost.debug.log', null],
    ['a.localhost.error.log.1.gz.txt', null],
    ['xa.localhost.error.log', null],
  ])('%s → %o', (name, expected) => {
    expect(parseLogFileName('a.localhost', name)).toEqual(expected);
  });

  it('builds the names it parses', () => {
    expect(logFileName('a.localhost', 'error')).toBe('a.localhost.error.log');
    expect(logFileName('a.localhost', 'error', 2, true)).toBe('a.localhost.error.log.2.gz');
  });

  it('splits lines without inventing a last empty one, dropping CRs', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
  });
});

describe('tailPlain', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-tail-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function tail(content: string | Buffer, lines: number, maxBytes = 1 << 20) {
    const file = path.join(dir, `f${Math.random()}`);
    fs.writeFileSync(file, content);
    const handle = (await fsp.open(file, 'r'))!;
    try {
      return await tailPlain(handle, (await handle.stat()).size, lines, maxBytes);
    } finally {
      await handle.close();
    }
  }

  it('returns whole lines only, and says when earlier ones exist', async () => {
    expect(await tail('a\nb\nc\n', 2)).toEqual({ lines: ['b', 'c'], truncated: true });
    expect(await tail('a\nb\nc\n', 3)).toEqual({ lines: ['a', 'b', 'c'], truncated: false });
    expect(await tail('a\nb\nc', 5)).toEqual({ lines: ['a', 'b', 'c'], truncated: false });
    expect(await tail('', 5)).toEqual({ lines: [], truncated: false });
  });

  it('reads no more than maxBytes: a cut first line is dropped, a single huge line is kept in part', async () => {
    const long = 'x'.repeat(200_000);
    expect(await tail(`${long}\nshort\n`, 10, 1000)).toEqual({ lines: ['short'], truncated: true });
    const huge = await tail(`${long}\n`, 10, 1000);
    expect(huge.truncated).toBe(true);
    expect(huge.lines).toHaveLength(1);
    expect(huge.lines[0]!.length).toBeLessThanOrEqual(1000);
  });

  it('crosses read chunks correctly', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const res = await tail(lines.join('\n') + '\n', 15_000);
    expect(res.lines).toEqual(lines.slice(-15_000));
  });

  it('openLogFile refuses symlinks and FIFOs-like non-files', async () => {
    const link = path.join(dir, 'link');
    fs.symlinkSync('/etc/passwd', link);
    expect(await openLogFile(link)).toBeNull();
    expect(await openLogFile(dir)).toBeNull();
    expect(await openLogFile(path.join(dir, 'missing'))).toBeNull();
  });
});
