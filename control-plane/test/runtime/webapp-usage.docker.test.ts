import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerTestApp, docker, newUser, type DockerTestApp } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken, type TestUser } from '../helpers/test-app.js';

interface Bucket { cpu_seconds: number | null; memory_bytes: number | null }

/**
 * The Usage route on the real engine and the real gateway: the CPU sweep's
 * one-shot stats give the app's memory (usage less page cache) and CPU, and
 * the gateway's server log lines give the start and the reload markers.
 * Sampled every second (PYHOST_CPU_SAMPLE_SECONDS).
 */
describe('web app usage on the real Docker Engine', () => {
  let t: DockerTestApp;
  let user: TestUser;
  let domain: string;
  const call = (method: 'GET' | 'POST', rest: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v0/user/${user.username}/webapps/${rest}`, headers: asToken(user.token), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    await eventually(() => docker.ping(), { timeoutMs: 30_000, what: 'the Docker Engine' });
    t = await createDockerTestApp({ PYHOST_CPU_SAMPLE_SECONDS: '1' });
    ({ user } = await newUser(t.app));
    const res = await call('POST', '', {});
    expect(res.statusCode, res.body).toBe(201);
    domain = res.json().domain_name;
  }, 120_000);
  afterAll(async () => t?.close(), 120_000);

  it('shows the running app’s memory and CPU, its start, and a reload', async () => {
    await eventually(async () => {
      const body = (await call('GET', `${domain}/usage/`)).json();
      const read = (body.buckets as Bucket[]).filter((b) => b.memory_bytes !== null);
      if (read.length === 0) throw new Error('no memory reading yet');
      // A Python WSGI server takes megabytes, far from the containers' default limit (512 MiB).
      expect(read.at(-1)!.memory_bytes).toBeGreaterThan(1024 * 1024);
      expect(read.at(-1)!.memory_bytes).toBeLessThan(512 * 1024 * 1024);
      expect(read.every((b) => b.cpu_seconds !== null && b.cpu_seconds >= 0)).toBe(true);
      expect(body.markers.map((m: { kind: string }) => m.kind)).toEqual(['restart']);
    }, { timeoutMs: 60_000, what: 'the first CPU and memory readings and the start marker' });

    expect((await call('POST', `${domain}/reload/`)).statusCode).toBe(200);
    await eventually(async () => {
      expect((await call('GET', `${domain}/usage/`)).json().markers.map((m: { kind: string }) => m.kind)).toEqual(['restart', 'reload']);
    }, { timeoutMs: 30_000, what: 'the reload marker' });
  }, 150_000);
});
