import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TtyExec } from '../../src/runtime/index.js';
import { ConsoleSession, type Viewer } from '../../src/services/consoles/console-session.js';

/** A TTY exec whose output the test writes and whose exit it decides. */
function fakeExec() {
  const stream = new PassThrough();
  const exec: TtyExec = { stream, resize: async () => {}, exitCode: async () => 0 };
  return { exec, stream, typed: [] as string[] };
}

function viewer(backlog = () => 0): Viewer & { bytes: number; closed: string | null } {
  const v = {
    bytes: 0,
    closed: null as string | null,
    send: (c: Buffer) => void (v.bytes += c.length),
    exited: () => {},
    backlog,
    close: (reason: string) => void (v.closed = reason),
  };
  return v;
}

describe('ConsoleSession', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads output no faster than its byte rate, so a flood waits in the process', async () => {
    const { exec, stream } = fakeExec();
    const session = new ConsoleSession(1, 1, 'c', exec, { scrollbackBytes: 4096, bytesPerSecond: 10_000 });
    const v = viewer();
    session.attach(v);
    for (let i = 0; i < 100; i++) stream.write(Buffer.alloc(500, 'x'));
    await new Promise((r) => setTimeout(r, 300));
    // 10 kB/s for 0.3 s is 3 kB; allow a window of slack.
    expect(v.bytes).toBeGreaterThan(0);
    expect(v.bytes).toBeLessThanOrEqual(5_000);
    expect(session.scrollback.byteLength).toBeLessThanOrEqual(4096);
    stream.end();
  });

  it('waits for a slow viewer, then drops it if it stays behind', async () => {
    vi.useFakeTimers();
    const { exec, stream } = fakeExec();
    const session = new ConsoleSession(1, 1, 'c', exec, { scrollbackBytes: 4096, bytesPerSecond: 1e9 });
    const slow = viewer(() => 2 * 1024 * 1024);
    const fine = viewer();
    session.attach(slow);
    session.attach(fine);
    stream.write(Buffer.alloc(100, 'x'));
    await vi.advanceTimersByTimeAsync(20);
    stream.write(Buffer.alloc(100, 'y'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fine.bytes).toBe(100); // paused for the slow one
    expect(slow.closed).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(slow.closed).toMatch(/could not keep up/);
    expect(fine.bytes).toBe(200); // the others go on
    expect(session.viewerCount).toBe(1);
  });

  it('replays the scrollback to every new viewer and tells viewers when the process ends', async () => {
    const { exec, stream } = fakeExec();
    const session = new ConsoleSession(1, 1, 'c', exec);
    stream.write('before\r\n');
    await new Promise((r) => setImmediate(r));
    const exits: unknown[] = [];
    const v = viewer();
    v.exited = (e) => void exits.push(e);
    session.attach(v);
    expect(v.bytes).toBe('before\r\n'.length);
    stream.end();
    expect(await session.waitForExit(1000)).toBe(true);
    expect(exits).toEqual([expect.objectContaining({ code: 0, reason: 'the process exited with status 0' })]);
    expect(session.running).toBe(false);
    const late = viewer();
    late.exited = (e) => void exits.push(e);
    session.attach(late);
    expect(exits).toHaveLength(2);
  });
});
