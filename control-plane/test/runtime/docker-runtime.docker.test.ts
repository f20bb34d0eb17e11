// DockerRuntime and the gateway client against the real Docker Engine and
// the real runtime image. Needs pyhost-runtime:latest (scripts/build-runtime-image.sh).
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../src/runtime/container-runtime.js';
import { DockerRuntime } from '../../src/runtime/docker-runtime.js';
import { probe, reload, status } from '../../src/runtime/gateway-client.js';
import { buildLabels } from '../../src/runtime/labels.js';
import { eventually } from '../helpers/eventually.js';
import { withHostPaths } from '../helpers/container-specs.js';
import {
  IMAGE,
  INSTANCE,
  MiB,
  OTHER_INSTANCE,
  UID,
  USERNAME,
  defer,
  docker,
  execOutput,
  expectAnswers,
  helloSpec,
  helloWsgi,
  runCleanups,
  wsgiPath,
  writeOwned,
} from './docker-fixtures.js';

const runtime = new DockerRuntime(docker);

async function getText(runDir: string, host: string): Promise<{ status: number; text: string }> {
  const client = new Client('http://localhost', { socketPath: path.join(runDir, 'app.sock') });
  try {
    const res = await client.request({ path: '/', method: 'GET', headers: { host }, headersTimeout: 5000, bodyTimeout: 5000 });
    return { status: res.statusCode, text: await res.body.text() };
  } finally {
    await client.close();
  }
}

async function startHello(generation: number, text?: string) {
  const spec = await helloSpec(generation, text);
  const container = await runtime.start(spec);
  defer(() => runtime.remove(container.id));
  return { spec, container };
}

beforeAll(async () => {
  await runtime.ping();
  if (!(await runtime.imageExists(IMAGE))) {
    throw new Error(`image ${IMAGE} is missing: run scripts/build-runtime-image.sh first`);
  }
});

afterAll(runCleanups);

describe('DockerRuntime on the real engine', () => {
  it('serves a hardened hello-world web app through its unix socket', async () => {
    const { spec, container } = await startHello(1);
    await expectAnswers(spec, container.id);
    expect(container).toMatchObject({
      name: `pyhost-${INSTANCE}-1-g1`,
      state: 'running',
      exitCode: null,
      labels: { instance: INSTANCE, user: USERNAME, kind: 'webapp', workload: 1, generation: 1 },
    });
    expect(await probe(spec.hostPaths.run, 2000)).toBe(true);
    expect(await getText(spec.hostPaths.run, spec.domain)).toEqual({ status: 200, text: 'hello v1' });
    expect(await status(spec.hostPaths.run)).toMatchObject({ state: 'running', server: 'uwsgi' });

    const info = await docker.getContainer(container.id).inspect();
    const host = info.HostConfig;
    expect(info.Config.User).toBe(`${UID}:${UID}`);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd ?? null).toBeNull();
    expect(host.Privileged).toBe(false);
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Tmpfs).toEqual({ '/tmp': 'rw,nosuid,nodev,size=64m' });
    expect(host.PidsLimit).toBe(128);
    expect(host.Memory).toBe(256 * MiB);
    expect(host.MemorySwap).toBe(host.Memory);
    expect(host.NanoCpus).toBe(500_000_000);
    expect(host.Init).toBe(true);
    expect(host.NetworkMode).toBe('none');
    expect(host.RestartPolicy?.Name).toBe('no');
    expect(host.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': String(1 * MiB), 'max-file': '2' } });
    expect(host.Binds ?? []).toEqual([]);
    const mounts = info.Mounts.map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination, rw: m.RW }));
    expect(mounts.sort((a, b) => a.destination.localeCompare(b.destination))).toEqual([
      { type: 'bind', source: spec.hostPaths.home, destination: `/home/${USERNAME}`, rw: true },
      { type: 'bind', source: spec.hostPaths.run, destination: '/run/pyhost', rw: true },
      { type: 'bind', source: spec.hostPaths.log, destination: '/var/log', rw: true },
      { type: 'bind', source: spec.hostPaths.www, destination: '/var/www', rw: true },
    ]);
    expect(JSON.stringify(info)).not.toContain('docker.sock');

    // The effective process state, not just the requested config.
    const out = await execOutput(container.id, [
      'sh',
      '-c',
      'id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; touch /rootfs-probe 2>/dev/null || echo read-only; ls /sys/class/net',
    ]);
    expect(out).toContain(`${UID}\r\n`);
    expect(out).toMatch(/CapEff:\s+0000000000000000/);
    expect(out).toMatch(/NoNewPrivs:\s+1/);
    expect(out).toContain('read-only');
    expect(out).not.toMatch(/eth0/);
  });

  it('reloads edited code through the gateway and serves the new text', async () => {
    const { spec, container } = await startHello(2, 'before reload');
    await expectAnswers(spec, container.id);
    expect((await getText(spec.hostPaths.run, spec.domain)).text).toBe('before reload');

    await writeOwned(wsgiPath(spec.hostPaths, spec.domain), helloWsgi('after the reload, new text'));
    const result = await reload(spec.hostPaths.run, 30_000);
    expect(result).toMatchObject({ ok: true });
    expect((await getText(spec.hostPaths.run, spec.domain)).text).toBe('after the reload, new text');
    expect(await status(spec.hostPaths.run)).toMatchObject({ state: 'running', reloads: 1 });

    // Broken code: the reload reports why, and the working version keeps serving.
    await writeOwned(wsgiPath(spec.hostPaths, spec.domain), 'raise RuntimeError("broken on purpose")\n');
    const failed = await reload(spec.hostPaths.run, 30_000);
    expect(failed.ok).toBe(false);
    expect(failed.ok === false && `${failed.error}\n${failed.logTail}`).toMatch(/broken on purpose/);
    expect((await getText(spec.hostPaths.run, spec.domain)).text).toBe('after the reload, new text');
  });

  it('lists only this instance’s labelled containers', async () => {
    const { container } = await startHello(3);
    const unlabelled = await docker.createContainer({ Image: IMAGE, name: `pyhost-unlabelled-${INSTANCE}` });
    defer(() => unlabelled.remove({ force: true }));
    const foreignLabels = buildLabels({ instance: OTHER_INSTANCE, user: USERNAME, kind: 'webapp', workload: 1, generation: 3 });
    const foreign = await docker.createContainer({ Image: IMAGE, name: `pyhost-${OTHER_INSTANCE}-1-g3`, Labels: foreignLabels });
    defer(() => foreign.remove({ force: true }));

    const ours = await runtime.list(INSTANCE);
    const ids = ours.map((c) => c.id);
    expect(ids).toContain(container.id);
    expect(ids).not.toContain(unlabelled.id);
    expect(ids).not.toContain(foreign.id);
    expect(ours.every((c) => c.labels.instance === INSTANCE)).toBe(true);
    expect((await runtime.list(OTHER_INSTANCE)).map((c) => c.id)).toEqual([foreign.id]);
    expect(await runtime.inspect(foreign.id)).toMatchObject({ state: 'created', exitCode: null, startedAt: null });

    // Never touch what is not ours, even when asked by id.
    expect(await runtime.inspect(unlabelled.id)).toBeNull();
    await expect(runtime.stop(unlabelled.id, 0)).rejects.toMatchObject({ code: 'not_managed' });
    await expect(runtime.remove(unlabelled.id)).rejects.toMatchObject({ code: 'not_managed' });
    expect((await unlabelled.inspect()).Id).toBe(unlabelled.id);
  });

  it('reports a die event after docker kill', async () => {
    const events: RuntimeEvent[] = [];
    const errors: unknown[] = [];
    const unsubscribe = runtime.watch(INSTANCE, (e) => events.push(e), { onError: (e) => errors.push(e) });
    defer(async () => unsubscribe());
    const { spec, container } = await startHello(4);
    // Kill a container known to be healthy, so the exit code is the kill's.
    await expectAnswers(spec, container.id);
    await eventually(() => expect(events.some((e) => e.id === container.id && e.action === 'start')).toBe(true), {
      what: 'start event',
    });

    await docker.getContainer(container.id).kill();
    const die = await eventually(
      () => {
        const e = events.find((x) => x.id === container.id && x.action === 'die');
        if (!e) throw new Error(`no die event yet; saw ${events.map((x) => x.action).join(',')}`);
        return e;
      },
      { what: 'die event' },
    );
    expect(die.labels).toEqual({ instance: INSTANCE, user: USERNAME, kind: 'webapp', workload: 1, generation: 4 });
    expect(die.exitCode).toBe(137);
    expect(await runtime.inspect(container.id)).toMatchObject({ state: 'exited', exitCode: 137 });
    expect(events.every((e) => e.labels.instance === INSTANCE)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('stops and removes idempotently', async () => {
    const { container } = await startHello(5);
    await runtime.stop(container.id, 5);
    expect(await runtime.inspect(container.id)).toMatchObject({ state: 'exited' });
    await runtime.stop(container.id, 5); // already stopped (304)
    await runtime.remove(container.id);
    expect(await runtime.inspect(container.id)).toBeNull();
    await runtime.remove(container.id); // gone (404)
    await runtime.stop(container.id, 5); // gone (404)
  });

  it('fails on a missing image and leaves no container behind', async () => {
    const spec = { ...(await helloSpec(6)), image: `pyhost-no-such-image-${INSTANCE}:nope` };
    await expect(runtime.start(spec)).rejects.toMatchObject({ name: 'RuntimeError', code: 'image_not_found' });
    const left = await runtime.list(INSTANCE);
    expect(left.filter((c) => c.labels.generation === 6)).toEqual([]);
  });

  it('removes what it created when the start fails', async () => {
    const spec = await helloSpec(7);
    // A regular file over the image's /var/log directory: create succeeds, start fails in runc.
    const notADir = path.join(path.dirname(spec.hostPaths.log), 'log-file');
    await fs.writeFile(notADir, 'not a directory');
    await expect(runtime.start(withHostPaths(spec, { ...spec.hostPaths, log: notADir }))).rejects.toMatchObject({
      code: 'start_failed',
    });
    const byName = await docker.listContainers({ all: true, filters: { name: [`pyhost-${INSTANCE}-1-g7`] } });
    expect(byName).toEqual([]);
  });
});
