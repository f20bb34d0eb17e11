import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RequestBuckets, parseAccessLine, parseServerLine, percentile, resourceBuckets, statusClass, usageWindow } from '../../src/domain/usage-buckets.js';
import { formatAccessLine } from '../../src/ingress/access-log.js';
import { linesBackwards } from '../../src/services/logs/lines-backwards.js';
import { MAX_POINTS, WebappUsageRing } from '../../src/services/webapps/usage-ring.js';

const MINUTE = 60_000;
const at = Date.parse('2026-12-01T18:30:20.000Z');

describe('usage buckets', () => {
  it('aligns the hour to minutes and the day to quarter hours, now in the last bucket', () => {
    expect(usageWindow('hour', at)).toEqual({ period: 'hour', bucketMs: MINUTE, count: 60, startMs: Date.parse('2026-12-01T17:31:00Z'), endMs: Date.parse('2026-12-01T18:31:00Z') });
    const day = usageWindow('day', at);
    expect(new Date(day.endMs).toISOString()).toBe('2026-12-01T18:45:00.000Z');
    expect(day.endMs - day.startMs).toBe(86_400_000);
  });

  it('reads the router’s own lines, escaped ones and other time zones too', () => {
    const text = formatAccessLine({
      ip: '::1', user: 'a b"c', time: at, method: 'GET', url: '/x?"y" z', httpVersion: '1.1', status: 404, bytes: 0,
      referer: undefined, userAgent: 'Mozilla "5"', durationMs: 12.5, requestId: 'abc',
    });
    expect(parseAccessLine(text.trimEnd())).toEqual({ timeMs: at, status: 404, durationMs: 13 });
    expect(parseAccessLine('1.2.3.4 - - [01/Dec/2026:20:30:20 +0200] "GET / HTTP/1.1" 200 5 "-" "-" response-time=0.004')).toEqual({ timeMs: at, status: 200, durationMs: 4 });
    expect(parseAccessLine('[pyhost] 3 access log lines were dropped')).toBeNull();
    expect(parseAccessLine('1.2.3.4 - - [01/Dec/2026:20:30:20 +0200] "GET / HTTP/1.1" 200 5 "-" "-"')).toBeNull();
  });

  it('takes nearest-rank percentiles and status classes', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile([7], 99), percentile([], 50)]).toEqual([50, 99, 7, null]);
    expect([101, 204, 301, 404, 418, 500, 599].map(statusClass)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx']);
  });

  it('puts requests in their bucket and says when a line is older than the window', () => {
    const w = usageWindow('hour', at);
    const b = new RequestBuckets(w);
    expect(b.add({ timeMs: at, status: 200, durationMs: 3 })).toBe(true);
    expect(b.add({ timeMs: w.startMs - 1, status: 200, durationMs: 3 })).toBe(false);
    expect(b.add({ timeMs: w.endMs + MINUTE, status: 200, durationMs: 3 })).toBe(true);
    const buckets = b.buckets();
    expect(buckets[59]).toEqual({ requests: { '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 0 }, p50Ms: 3, p99Ms: 3 });
    expect(buckets.reduce((n, x) => n + x.requests['2xx'], 0)).toBe(1);
  });

  it('sums CPU and takes the highest memory of the minutes in a day’s bucket', () => {
    const w = usageWindow('day', at);
    const base = w.endMs - 15 * MINUTE;
    const r = resourceBuckets(w, [
      { minuteMs: base, cpuUsec: 1_000_000, memoryBytes: 10 },
      { minuteMs: base + MINUTE, cpuUsec: 500_000, memoryBytes: 30 },
      { minuteMs: base + 2 * MINUTE, cpuUsec: 0, memoryBytes: null },
    ]);
    expect(r[95]).toEqual({ cpuSeconds: 1.5, memoryBytes: 30 });
    expect(r[94]).toEqual({ cpuSeconds: null, memoryBytes: null });
  });
});

describe('WebappUsageRing', () => {
  it('keeps a point a minute, per app, at most a day of them', () => {
    const ring = new WebappUsageRing();
    const reading = { webappId: 1, cpuUsec: 1000, memoryBytes: 5 };
    ring.recordSweep(at, [reading]);
    ring.recordSweep(at + 5000, [{ ...reading, memoryBytes: 7 }]);
    expect(ring.pointsOf(1, 0)).toEqual([{ minuteMs: Math.floor(at / MINUTE) * MINUTE, cpuUsec: 2000, memoryBytes: 7 }]);
    // Two containers side by side (a redeploy): their CPU and memory add up.
    ring.recordSweep(at + MINUTE, [reading, { ...reading, memoryBytes: 3 }]);
    expect(ring.pointsOf(1, at)).toEqual([{ minuteMs: Math.floor(at / MINUTE) * MINUTE + MINUTE, cpuUsec: 2000, memoryBytes: 8 }]);
    for (let i = 2; i <= MAX_POINTS + 10; i++) ring.recordSweep(at + i * MINUTE, [reading]);
    expect(ring.pointsOf(1, 0).length).toBeLessThanOrEqual(MAX_POINTS);
    // An app that stopped running has its old points pruned after a day.
    ring.recordSweep(at + (2 * MAX_POINTS + 20) * MINUTE, []);
    expect(ring.pointsOf(1, 0)).toEqual([]);
  });
});

describe('server log markers', () => {
  it('reads the gateway’s serving lines as reloads and restarts, and any line’s time', () => {
    const t = Date.parse('2026-11-25T08:40:00.123Z');
    expect(parseServerLine('2026-11-25 08:40:00,123: [pyhost] reload: uwsgi #2 (pid 12) serves app.sock after 104 ms')).toEqual({ timeMs: t, event: 'reload' });
    expect(parseServerLine('2026-11-25 08:40:00,123: [pyhost] auto-reload (/home/a/app.py): gunicorn #3 (pid 9) serves app.sock after 80 ms')).toEqual({ timeMs: t, event: 'reload' });
    expect(parseServerLine('2026-11-25 08:40:00,123: [pyhost] start: uwsgi #2 (pid 7) serves app.sock after 300 ms')).toEqual({ timeMs: t, event: 'restart' });
    expect(parseServerLine('2026-11-25 08:40:00,123: [pyhost] restart: uwsgi #2 (pid 8) serves app.sock after 300 ms')).toEqual({ timeMs: t, event: 'restart' });
    expect(parseServerLine('2026-11-25 08:40:00,123: [pyhost] reload: starting uwsgi')).toEqual({ timeMs: t, event: null });
    expect(parseServerLine('2026-11-25 08:40:00,123: hello from print()')).toEqual({ timeMs: t, event: null });
    expect(parseServerLine('  a continued line')).toEqual({ timeMs: null, event: null });
  });
});

describe('linesBackwards', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-backwards-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands whole lines newest first, skips a torn last line, and stops when asked', async () => {
    const file = path.join(dir, 'a.log');
    // Lines longer than a chunk's share, so that lines span chunk borders.
    const lines = Array.from({ length: 3000 }, (_, i) => `${i} ${'x'.repeat(i % 97)}`);
    fs.writeFileSync(file, lines.join('\n') + '\ntorn');
    const handle = await fsp.open(file);
    const { size } = await handle.stat();
    const seen: string[] = [];
    expect(await linesBackwards(handle, size, 1 << 30, (l) => (seen.push(l), true))).toEqual({ bytesRead: size, cutShort: false });
    expect(seen).toEqual([...lines].reverse());
    const few: string[] = [];
    const read = await linesBackwards(handle, size, 1 << 30, (l) => (few.push(l), few.length < 5));
    expect(few).toEqual(lines.slice(-5).reverse());
    expect(read.bytesRead).toBeLessThan(size);
    const bounded = await linesBackwards(handle, size, 1000, () => true);
    expect(bounded).toEqual({ bytesRead: 1000, cutShort: true });
    await handle.close();
  });
});

describe('memoryInUse', () => {
  it('is the usage less the inactive page cache, as docker stats shows it (cgroup v2 and v1)', async () => {
    const { memoryInUse } = await import('../../src/runtime/docker-runtime.js');
    type M = Parameters<typeof memoryInUse>[0];
    expect(memoryInUse({ usage: 100, stats: { inactive_file: 30 } } as unknown as M)).toBe(70);
    expect(memoryInUse({ usage: 100, stats: { total_inactive_file: 40 } } as unknown as M)).toBe(60);
    expect(memoryInUse({ usage: 100 } as unknown as M)).toBe(100);
    expect(memoryInUse({} as unknown as M)).toBeNull();
  });
});
