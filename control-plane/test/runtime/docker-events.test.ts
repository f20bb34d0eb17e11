import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RuntimeError } from '../../src/runtime/container-runtime.js';
import { toRuntimeEvent, watchDockerEvents } from '../../src/runtime/docker-events.js';
import { buildLabels } from '../../src/runtime/labels.js';
import { eventually } from '../helpers/eventually.js';

const labels = buildLabels({ instance: 'dev', user: 'alice', kind: 'webapp', workload: 1, generation: 2 });

describe('toRuntimeEvent', () => {
  it('maps a die event with its exit code', () => {
    const raw = {
      Type: 'container',
      Action: 'die',
      id: 'abc',
      time: 1700000000,
      timeNano: 1700000000123 * 1e6,
      Actor: { ID: 'abc', Attributes: { ...labels, exitCode: '137', name: 'pyhost-dev-1-g2', image: 'x' } },
    };
    expect(toRuntimeEvent(raw, 'dev')).toEqual({
      id: 'abc',
      action: 'die',
      labels: { instance: 'dev', user: 'alice', kind: 'webapp', workload: 1, generation: 2 },
      exitCode: 137,
      time: 1700000000123,
    });
  });

  it.each([
    ['another instance', { Type: 'container', Action: 'die', Actor: { ID: 'a', Attributes: labels } }, 'prod'],
    ['unlabelled container', { Type: 'container', Action: 'die', Actor: { ID: 'a', Attributes: { name: 'x' } } }, 'dev'],
    ['network event', { Type: 'network', Action: 'connect', Actor: { ID: 'a', Attributes: labels } }, 'dev'],
    ['no action', { Type: 'container', Actor: { ID: 'a', Attributes: labels } }, 'dev'],
  ])('ignores %s', (_name, raw, instance) => {
    expect(toRuntimeEvent(raw, instance)).toBeNull();
  });
});

// A stand-in engine whose event streams the test feeds and ends by hand.
function stubEngine() {
  const calls: Array<{ since?: number; filters?: unknown; abortSignal?: AbortSignal }> = [];
  const streams: PassThrough[] = [];
  let failNext = false;
  const engine = {
    async getEvents(opts: (typeof calls)[number]) {
      calls.push(opts);
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
      }
      const s = new PassThrough();
      opts.abortSignal?.addEventListener('abort', () => s.destroy(new Error('aborted')));
      streams.push(s);
      return s;
    },
  };
  return {
    docker: engine as unknown as Parameters<typeof watchDockerEvents>[0],
    calls,
    streams,
    failNextConnect: () => (failNext = true),
  };
}

function line(action: string, id: string, time: number, nano = 0): string {
  return `${JSON.stringify({ Type: 'container', Action: action, id, time, timeNano: time * 1e9 + nano, Actor: { ID: id, Attributes: labels } })}\n`;
}

describe('watchDockerEvents', () => {
  it('filters by label, reassembles split lines, reconnects from the last event and drops replays', async () => {
    const engine = stubEngine();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const stop = watchDockerEvents(engine.docker, 'dev', (e) => seen.push(`${e.action} ${e.id}`), { onError: (e) => errors.push(e) });
    await eventually(() => expect(engine.streams).toHaveLength(1));
    expect(engine.calls[0]?.filters).toEqual({ type: ['container'], label: ['io.pyhost.managed=true', 'io.pyhost.instance=dev'] });

    const first = line('start', 'a', 1_800_000_000, 5);
    engine.streams[0]?.write(first.slice(0, 20));
    engine.streams[0]?.write(first.slice(20) + line('die', 'a', 1_800_000_001));
    await eventually(() => expect(seen).toEqual(['start a', 'die a']));

    engine.streams[0]?.end(); // dockerd restarted
    await eventually(() => expect(engine.streams).toHaveLength(2));
    expect(engine.calls[1]?.since).toBe(1_800_000_001);
    engine.streams[1]?.write(line('start', 'a', 1_800_000_000, 5) + line('destroy', 'a', 1_800_000_002));
    await eventually(() => expect(seen).toEqual(['start a', 'die a', 'destroy a']));

    stop();
    expect(engine.calls[1]?.abortSignal?.aborted).toBe(true);
    expect(errors).toEqual([]);
  });

  it('reports a failed connect and keeps retrying until unsubscribed', async () => {
    const engine = stubEngine();
    const errors: RuntimeError[] = [];
    engine.failNextConnect();
    const stop = watchDockerEvents(engine.docker, 'dev', () => undefined, { onError: (e) => errors.push(e) });
    await eventually(() => expect(engine.streams).toHaveLength(1));
    expect(errors.map((e) => e.code)).toEqual(['unavailable']);
    stop();
    engine.streams[0]?.end();
    await new Promise((r) => setTimeout(r, 400)); // longer than the first retry delay
    expect(engine.calls).toHaveLength(2);
  });
});
