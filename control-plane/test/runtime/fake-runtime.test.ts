import { describe, expect, it } from 'vitest';
import { RuntimeError, type RuntimeEvent } from '../../src/runtime/container-runtime.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';
import { webappSpec, type TestWebappSpec } from '../helpers/container-specs.js';

const spec = (overrides: Partial<TestWebappSpec> = {}) => webappSpec({ instance: 'unit', workloadId: 1, generation: 1, ...overrides });

describe('FakeRuntime', () => {
  it('starts, lists by instance, records specs and emits events', async () => {
    const rt = new FakeRuntime();
    const events: RuntimeEvent[] = [];
    const unsubscribe = rt.watch('unit', (e) => events.push(e));
    const c = await rt.start(spec());
    await rt.start(spec({ instance: 'other' }));
    expect(c).toMatchObject({ name: 'pyhost-unit-1-g1', state: 'running', labels: { workload: 1, generation: 1 } });
    expect((await rt.list('unit')).map((x) => x.id)).toEqual([c.id]);
    expect(rt.startedSpecs).toHaveLength(2);

    rt.simulateExit(c.id, 3);
    expect(await rt.inspect(c.id)).toMatchObject({ state: 'exited', exitCode: 3 });
    expect(events.map((e) => e.action)).toEqual(['create', 'start', 'die']);
    expect(events[2]?.exitCode).toBe(3);

    unsubscribe();
    await rt.remove(c.id);
    expect(events).toHaveLength(3);
  });

  it('is idempotent and refuses what Docker refuses', async () => {
    const rt = new FakeRuntime();
    const c = await rt.start(spec());
    await rt.stop(c.id, 1);
    await rt.stop(c.id, 1);
    await expect(rt.start(spec())).rejects.toMatchObject({ code: 'conflict' });
    await rt.remove(c.id);
    await rt.remove(c.id);
    await rt.stop('missing', 1);
    expect(await rt.inspect(c.id)).toBeNull();
    await expect(rt.start(spec({ image: 'nope:latest' }))).rejects.toMatchObject({ code: 'image_not_found' });
    await expect(rt.start(spec({ uid: 0 }))).rejects.toThrow(/uid 0/);
  });

  it('cleans up after a failed start', async () => {
    const rt = new FakeRuntime();
    rt.failNextStart('exec format error');
    await expect(rt.start(spec())).rejects.toBeInstanceOf(RuntimeError);
    expect(rt.all()).toEqual([]);
    await expect(rt.start(spec())).resolves.toMatchObject({ state: 'running' });
  });

  it('can simulate an engine outage', async () => {
    const rt = new FakeRuntime();
    rt.available = false;
    await expect(rt.ping()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(rt.list('unit')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
