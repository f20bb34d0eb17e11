import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isIdle, sleepAfterSeconds, wakeIsForThisSleep } from '../../src/domain/sleep-rules.js';
import { RouterActivity } from '../../src/ingress/router-activity.js';
import { silentLog } from '../../src/ingress/router-log.js';
import { RouterActivityReader } from '../../src/services/platform/router-activity.js';
import { eventually } from '../helpers/eventually.js';

const log = { warn: vi.fn(), info: vi.fn(), error: vi.fn() } as never;

describe('when a web app sleeps', () => {
  it('takes PYHOST_SLEEP_AFTER as a duration, 0 or nothing being never', () => {
    const after = (v?: string) => loadConfig(v === undefined ? {} : { PYHOST_SLEEP_AFTER: v }).limits.sleep_after_seconds;
    expect([after(), after(''), after('0'), after('45'), after('30s'), after('15m'), after('2h'), after('1d'), after('30d')]).toEqual([
      0, 0, 0, 45, 30, 900, 7200, 86_400, 30 * 86_400,
    ]);
    for (const bad of ['soon', '-5s', '1.5h', '31d', '10 minutes']) {
      expect(() => after(bad), bad).toThrow(ConfigError);
      expect(() => after(bad), bad).toThrow(/PYHOST_SLEEP_AFTER must be a duration such as 30s, 15m or 2h/);
    }
    expect(loadConfig({ PYHOST_WAKE_CONCURRENCY: '3' }).wakeConcurrency).toBe(3);
    expect(() => loadConfig({ PYHOST_WAKE_CONCURRENCY: '0' })).toThrow(/PYHOST_WAKE_CONCURRENCY/);
  });

  it('sleeps after the account\'s time idle, never when kept awake or when the time is 0', () => {
    expect(sleepAfterSeconds({ keep_awake: 0 }, { sleep_after_seconds: 900 })).toBe(900);
    expect(sleepAfterSeconds({ keep_awake: 1 }, { sleep_after_seconds: 900 })).toBe(0);
    expect(isIdle(1_000, 2, 2_999)).toBe(false);
    expect(isIdle(1_000, 2, 3_000)).toBe(true);
    expect(isIdle(0, 0, 1e12)).toBe(false);
    expect(isIdle(Number.POSITIVE_INFINITY, 2, 1e12)).toBe(false);
  });

  it('wakes only for a request asked after this sleep began', () => {
    const since = '2026-12-02T10:00:00.000Z';
    expect(wakeIsForThisSleep(Date.parse(since), since)).toBe(true);
    expect(wakeIsForThisSleep(Date.parse(since) + 5, since)).toBe(true);
    expect(wakeIsForThisSleep(Date.parse(since) - 1, since)).toBe(false);
  });
});

describe("the router's activity file, from the router to the api", () => {
  let dir = '';
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const setUp = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-activity-'));
    const file = path.join(dir, 'router-1.json');
    const wakes: [number, number][] = [];
    const reader = new RouterActivityReader([file, path.join(dir, 'router-2.json')], process.getuid!(), (key, ms) => wakes.push([key, ms]), log, 5);
    return { file, wakes, reader };
  };

  it('carries each app\'s last request within the flush interval, and a wake at once, asked again only after a while', async () => {
    const { file, wakes, reader } = setUp();
    // A flush interval no test waits out: what arrives first is the wake, written at once.
    const router = new RouterActivity(file, process.getuid!(), (key) => key !== 5, silentLog, 60_000);
    router.start();
    reader.start();
    try {
      const t0 = Date.now();
      router.request(7, t0);
      router.wake(-3, t0 + 50);
      await eventually(() => expect(wakes).toEqual([[-3, t0 + 50]]));
      expect(reader.lastRequest(7)).toBe(t0);
      expect(reader.lastRequest(8)).toBeUndefined();
      router.wake(-3, t0 + 1_000); // within 2 s of the last ask: not again
      router.wake(-3, t0 + 2_100);
      await eventually(() => expect(wakes.at(-1)).toEqual([-3, t0 + 2_100]));
      expect(wakes.filter(([, ms]) => ms === t0 + 1_000)).toEqual([]);
      // A later request moves the time on; a wake for an app the router's table shows awake again is no longer asked.
      router.request(7, t0 + 3_000);
      router.wake(5, t0 + 3_000);
      await eventually(() => expect(reader.lastRequest(7)).toBe(t0 + 3_000));
      expect(wakes.filter(([key]) => key === 5)).toEqual([]);
    } finally {
      router.stop();
      reader.stop();
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
  });

  it('is not read through a link, nor when it is not the router\'s file', () => {
    const { file, wakes, reader } = setUp();
    const planted = path.join(dir, 'elsewhere.json');
    fs.writeFileSync(planted, JSON.stringify({ format: 1, seen: { 7: 123 }, wake: { 7: 123 } }));
    fs.symlinkSync(planted, file);
    reader.check();
    expect(wakes).toEqual([]);
    expect(reader.lastRequest(7)).toBeUndefined();
    fs.rmSync(file);
    fs.writeFileSync(file, 'not json');
    reader.check();
    expect(wakes).toEqual([]);
    const strict = new RouterActivityReader([planted], process.getuid!() + 1, () => wakes.push([0, 0]), log);
    strict.check();
    expect(wakes).toEqual([]);
  });
});
