import { describe, expect, it } from 'vitest';
import { EXIT_CRASH_LOOP, plan, type ActualContainer, type DesiredWorkload, type IsBusy } from '../../src/domain/reconcile-plan.js';
import { backoffDelay } from '../../src/services/platform/restart-backoff.js';
import { crashLoopReason } from '../../src/services/webapps/webapp-keeper.js';

const app = (id: number, over: Partial<DesiredWorkload> = {}): DesiredWorkload => ({ kind: 'webapp', id, enabled: true, activeGeneration: 1, crashed: false, ...over });
const box = (id: string, webappId: number, over: Partial<ActualContainer> = {}): ActualContainer => ({ id, kind: 'webapp', workloadId: webappId, generation: 1, running: true, exitCode: null, ...over });
const busyIds = (...ids: number[]): IsBusy => (_kind, id) => ids.includes(id);
const none = busyIds();

describe('reconcile plan', () => {
  it.each<[string, DesiredWorkload[], ActualContainer[], IsBusy, ReturnType<typeof plan>]>([
    ['nothing to do when every app has its running container', [app(1)], [box('a', 1)], none, []],
    ['starts a missing container', [app(1)], [], none, [{ kind: 'start', workload: 'webapp', id: 1, reason: 'missing' }]],
    [
      'replaces a dead container',
      [app(1)],
      [box('a', 1, { running: false })],
      none,
      [
        { kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'exited' },
        { kind: 'start', workload: 'webapp', id: 1, reason: 'died' },
      ],
    ],
    ['removes an orphan whose app is gone', [], [box('a', 7)], none, [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 7, reason: 'orphan' }]],
    ['removes the container of a disabled app', [app(1, { enabled: false })], [box('a', 1)], none, [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'disabled' }]],
    [
      'removes an old generation left by an interrupted replacement',
      [app(1, { activeGeneration: 2 })],
      [box('a', 1), box('b', 1, { generation: 2 })],
      none,
      [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'stale-generation' }],
    ],
    [
      'removes a new generation that never became active (api killed mid-replacement)',
      [app(1, { activeGeneration: 1 })],
      [box('a', 1), box('b', 1, { generation: 2 })],
      none,
      [{ kind: 'remove', containerId: 'b', workload: 'webapp', id: 1, reason: 'stale-generation' }],
    ],
    ['leaves an app alone while an operation holds it', [app(1, { activeGeneration: 2 })], [box('a', 1)], busyIds(1), []],
    ['still removes orphans of busy ids (no app to protect)', [], [box('a', 1)], busyIds(1), [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'orphan' }]],
    ['does not restart a crashed app (it waits for a reload)', [app(1, { crashed: true })], [], none, []],
    ['does not start a disabled app', [app(1, { enabled: false })], [], none, []],
    [
      'marks an app crashed, without a start, when its active container ended a crash loop (exit status 3)',
      [app(1, { activeGeneration: 4 })],
      [box('a', 1, { generation: 4, running: false, exitCode: EXIT_CRASH_LOOP })],
      none,
      [
        { kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'exited' },
        { kind: 'mark-crashed', workload: 'webapp', id: 1, generation: 4, reason: 'crash-loop' },
      ],
    ],
    [
      "restarts an always-on task whose command exited 3: the crash-loop status is the gateway's, not a user's command's",
      [{ kind: 'always_on', id: 1, enabled: true, activeGeneration: 2, crashed: false }],
      [{ id: 'a', kind: 'always_on', workloadId: 1, generation: 2, running: false, exitCode: EXIT_CRASH_LOOP }],
      none,
      [
        { kind: 'remove', containerId: 'a', workload: 'always_on', id: 1, reason: 'exited' },
        { kind: 'start', workload: 'always_on', id: 1, reason: 'died' },
      ],
    ],
    [
      'restarts a container that exited with any other status',
      [app(1)],
      [box('a', 1, { running: false, exitCode: 2 })],
      none,
      [
        { kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'exited' },
        { kind: 'start', workload: 'webapp', id: 1, reason: 'died' },
      ],
    ],
    [
      'only removes a crash-looped container of an app already crashed',
      [app(1, { crashed: true })],
      [box('a', 1, { running: false, exitCode: EXIT_CRASH_LOOP })],
      none,
      [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'exited' }],
    ],
    [
      'ignores the crash loop of an old generation when the new one serves',
      [app(1, { activeGeneration: 2 })],
      [box('a', 1, { running: false, exitCode: EXIT_CRASH_LOOP }), box('b', 1, { generation: 2 })],
      none,
      [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'stale-generation' }],
    ],
    ['leaves a crash-looped container of a busy app to the operation in progress', [app(1)], [box('a', 1, { running: false, exitCode: EXIT_CRASH_LOOP })], busyIds(1), []],
    [
      'neither marks nor starts a disabled app whose container crash-looped',
      [app(1, { enabled: false })],
      [box('a', 1, { running: false, exitCode: EXIT_CRASH_LOOP })],
      none,
      [{ kind: 'remove', containerId: 'a', workload: 'webapp', id: 1, reason: 'disabled' }],
    ],
  ])('%s', (_name, desired, actual, busy, expected) => {
    expect(plan(desired, actual, busy)).toEqual(expected);
  });

  const user = (id: number, wanted: boolean): DesiredWorkload => ({ kind: 'console', id, enabled: wanted, activeGeneration: null, crashed: false });
  const consoleBox = (id: string, userId: number | null, over: Partial<ActualContainer> = {}): ActualContainer => ({ id, kind: 'console', workloadId: userId, generation: null, running: true, exitCode: null, ...over });
  it.each<[string, DesiredWorkload[], ActualContainer[], IsBusy, ReturnType<typeof plan>]>([
    ['keeps a console container in use', [user(1, true)], [consoleBox('c', 1)], none, []],
    ['never starts one (the console service does, with the first console)', [user(1, true)], [], none, []],
    ['removes one nobody uses', [user(1, false)], [consoleBox('c', 1)], none, [{ kind: 'remove', containerId: 'c', workload: 'console', id: 1, reason: 'unused' }]],
    ['removes one that stopped, and does not start it again', [user(1, true)], [consoleBox('c', 1, { running: false, exitCode: 137 })], none, [{ kind: 'remove', containerId: 'c', workload: 'console', id: 1, reason: 'exited' }]],
    ['removes one of a deleted user', [], [consoleBox('c', 9)], none, [{ kind: 'remove', containerId: 'c', workload: 'console', id: 9, reason: 'orphan' }]],
    ['removes one that carries no user id (made before containers had one)', [user(1, true)], [consoleBox('c', null)], none, [{ kind: 'remove', containerId: 'c', workload: 'console', id: null, reason: 'orphan' }]],
    ['leaves one alone while a console starts in it', [user(1, false)], [consoleBox('c', 1)], busyIds(1), []],
    ['does not mix kinds: a web app and a console of the same id', [app(1), user(1, false)], [box('a', 1), consoleBox('c', 1)], none, [{ kind: 'remove', containerId: 'c', workload: 'console', id: 1, reason: 'unused' }]],
  ])('consoles: %s', (_name, desired, actual, busy, expected) => {
    expect(plan(desired, actual, busy)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    [
      "with the gateway's own words (the router may have appended since), without its advice twice",
      [
        '2026-01-02 03:04:05,006: Traceback (most recent call last):',
        '2026-01-02 03:04:09,010: restart failed: uwsgi exited 5 times in a row within a minute of starting (last exit status 1); Pyhost stopped restarting it. Fix the cause, then Reload.',
        '2026-01-02 03:04:09,500: [router] upstream unavailable',
      ].join('\n'),
      "the app's server kept dying soon after it started: uwsgi exited 5 times in a row within a minute of starting (last exit status 1); Pyhost stopped restarting it. See /var/log/alice.localhost.error.log for why; fix the cause, then Reload.",
    ],
    [
      'the last such line when there are several',
      ['2026-01-02 03:04:05,006: restart failed: gunicorn exited 5 times (old)', '2026-01-02 03:05:05,006: restart failed: gunicorn exited 5 times (new)'].join('\n'),
      "the app's server kept dying soon after it started: gunicorn exited 5 times (new). See /var/log/alice.localhost.error.log for why; fix the cause, then Reload.",
    ],
    [
      'in general terms when the log does not have it (rotated, unreadable)',
      '2026-01-02 03:04:05,006: reload failed: something else',
      "the app's server kept dying soon after it started; Pyhost stopped restarting it. See /var/log/alice.localhost.error.log for why; fix the cause, then Reload.",
    ],
  ])('says why an app crash-looped: %s', (_name, tail, reason) => {
    expect(crashLoopReason('alice.localhost', tail)).toBe(reason);
  });

  it('keeps a crash-loop reason short even when the line found is huge', () => {
    const reason = crashLoopReason('a.localhost', `2026-01-02 03:04:05,006: restart failed: ${'x'.repeat(100_000)}`);
    expect(reason.length).toBeLessThan(600);
  });

  it('backs off 1 s, 2 s, 4 s… up to a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(backoffDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});
