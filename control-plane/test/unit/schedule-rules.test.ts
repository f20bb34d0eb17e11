import { describe, expect, it } from 'vitest';
import { applyTaskInput, dueDecision, latestDue, nextRun, printableTime } from '../../src/domain/schedule-rules.js';
import { runLine, taskLogRotation } from '../../src/domain/task-log.js';

const at = (iso: string) => Date.parse(iso);
const daily = { interval: 'daily', hour: 0, minute: 5 } as const;
const hourly = { interval: 'hourly', hour: null, minute: 59 } as const;

describe('schedule rules', () => {
  it('finds the latest due time and the next run across midnight and the hour', () => {
    expect(new Date(latestDue(daily, at('2026-12-01T00:04:59Z'))).toISOString()).toBe('2026-11-30T00:05:00.000Z');
    expect(new Date(latestDue(daily, at('2026-12-01T00:05:00Z'))).toISOString()).toBe('2026-12-01T00:05:00.000Z');
    expect(new Date(latestDue(hourly, at('2026-12-31T23:58:00Z'))).toISOString()).toBe('2026-12-31T22:59:00.000Z');
    expect(new Date(nextRun(hourly, at('2026-12-31T23:58:00Z'), at('2026-12-31T22:59:00Z'))).toISOString()).toBe('2026-12-31T23:59:00.000Z');
    // Due and not yet dealt with: that is the next run.
    expect(new Date(nextRun(daily, at('2026-12-01T00:05:10Z'), at('2026-11-30T00:05:00Z'))).toISOString()).toBe('2026-12-01T00:05:00.000Z');
  });

  it('decides: nothing twice, a pass while disabled, a run at its minute, one catch-up after downtime', () => {
    const last = at('2026-12-01T09:59:00Z');
    expect(dueDecision(hourly, at('2026-12-01T10:30:00Z'), last, true)).toEqual({ kind: 'none' });
    expect(dueDecision(hourly, at('2026-12-01T10:59:20Z'), last, true)).toEqual({ kind: 'run', due: at('2026-12-01T10:59:00Z'), trigger: 'schedule', missed: 0 });
    expect(dueDecision(hourly, at('2026-12-01T10:59:20Z'), last, false)).toEqual({ kind: 'pass', due: at('2026-12-01T10:59:00Z') });
    expect(dueDecision(hourly, at('2026-12-01T11:00:30Z'), last, true)).toMatchObject({ kind: 'run', trigger: 'catch_up', missed: 0 });
    expect(dueDecision(hourly, at('2026-12-01T14:10:00Z'), last, true)).toEqual({ kind: 'run', due: at('2026-12-01T13:59:00Z'), trigger: 'catch_up', missed: 3 });
  });

  it("applies PythonAnywhere's hour rules", () => {
    const base = applyTaskInput(null, { command: 'echo', interval: 'daily', hour: 16, minute: 0 });
    expect(base).toEqual({ command: 'echo', description: '', enabled: true, interval: 'daily', hour: 16, minute: 0 });
    expect(applyTaskInput(base, { interval: 'hourly' })).toMatchObject({ interval: 'hourly', hour: null });
    expect(applyTaskInput(base, { hour: null, interval: 'hourly' })).toMatchObject({ hour: null });
    expect(() => applyTaskInput(applyTaskInput(base, { interval: 'hourly' }), { interval: 'daily' })).toThrow(/Daily tasks need an hour/);
    expect(() => applyTaskInput(applyTaskInput(base, { interval: 'hourly' }), { hour: 3 })).toThrow('Hourly tasks must not have an hour.');
    expect(printableTime({ interval: 'daily', hour: 7, minute: 3 })).toBe('07:03');
    expect(printableTime({ interval: 'hourly', hour: null, minute: 3 })).toBe('03 minutes past');
  });

  it('stamps lines on one line whatever the command holds; recognises only the task\'s own rotated logs', () => {
    expect(runLine(at('2026-12-01T16:05:00Z'), 'run 1 started: echo a\nb\x1b')).toBe('2026-12-01 16:05:00 UTC run 1 started: echo a\\x0ab\\x1b\n');
    expect(taskLogRotation('scheduled', 7, 'tasklog-7.log.1')).toEqual({ rotation: 1, compressed: false });
    expect(taskLogRotation('scheduled', 7, 'tasklog-7.log.3.gz')).toEqual({ rotation: 3, compressed: true });
    expect(taskLogRotation('scheduled', 7, 'tasklog-7.log.1.gz')).toBeNull();
    expect(taskLogRotation('scheduled', 7, 'tasklog-70.log')).toBeNull();
    expect(taskLogRotation('always_on', 7, 'alwayson-log-7.log')).toEqual({ rotation: 0, compressed: false });
  });
});
