import { describe, expect, it } from 'vitest';
import { plan, type ActualContainer, type DesiredWebapp } from '../../src/domain/reconcile-plan.js';
import { backoffDelay } from '../../src/services/reconciler.js';

const app = (id: number, over: Partial<DesiredWebapp> = {}): DesiredWebapp => ({ id, enabled: true, activeGeneration: 1, crashed: false, ...over });
const box = (id: string, webappId: number, over: Partial<ActualContainer> = {}): ActualContainer => ({ id, webappId, generation: 1, running: true, ...over });
const none = new Set<number>();

describe('reconcile plan', () => {
  it.each<[string, DesiredWebapp[], ActualContainer[], ReadonlySet<number>, ReturnType<typeof plan>]>([
    ['nothing to do when every app has its running container', [app(1)], [box('a', 1)], none, []],
    ['starts a missing container', [app(1)], [], none, [{ kind: 'start', webappId: 1, reason: 'missing' }]],
    [
      'replaces a dead container',
      [app(1)],
      [box('a', 1, { running: false })],
      none,
      [
        { kind: 'remove', containerId: 'a', webappId: 1, reason: 'exited' },
        { kind: 'start', webappId: 1, reason: 'died' },
      ],
    ],
    ['removes an orphan whose app is gone', [], [box('a', 7)], none, [{ kind: 'remove', containerId: 'a', webappId: 7, reason: 'orphan' }]],
    ['removes the container of a disabled app', [app(1, { enabled: false })], [box('a', 1)], none, [{ kind: 'remove', containerId: 'a', webappId: 1, reason: 'disabled' }]],
    [
      'removes an old generation left by an interrupted replacement',
      [app(1, { activeGeneration: 2 })],
      [box('a', 1), box('b', 1, { generation: 2 })],
      none,
      [{ kind: 'remove', containerId: 'a', webappId: 1, reason: 'stale-generation' }],
    ],
    [
      'removes a new generation that never became active (api killed mid-replacement)',
      [app(1, { activeGeneration: 1 })],
      [box('a', 1), box('b', 1, { generation: 2 })],
      none,
      [{ kind: 'remove', containerId: 'b', webappId: 1, reason: 'stale-generation' }],
    ],
    ['leaves an app alone while an operation holds it', [app(1, { activeGeneration: 2 })], [box('a', 1)], new Set([1]), []],
    ['still removes orphans of busy ids (no app to protect)', [], [box('a', 1)], new Set([1]), [{ kind: 'remove', containerId: 'a', webappId: 1, reason: 'orphan' }]],
    ['does not restart a crashed app (it waits for a reload)', [app(1, { crashed: true })], [], none, []],
    ['does not start a disabled app', [app(1, { enabled: false })], [], none, []],
  ])('%s', (_name, desired, actual, busy, expected) => {
    expect(plan(desired, actual, busy)).toEqual(expected);
  });

  it('backs off 1 s, 2 s, 4 s… up to a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(backoffDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });
});
