import { expect } from 'vitest';
import type Docker from 'dockerode';

/** Asserts the Docker contract's hardening on one container (docs/architecture.md). */
export function expectHardened(info: Docker.ContainerInspectInfo, expected: { uid: number; username: string }): void {
  const hc = info.HostConfig;
  const where = `${info.Name} (${info.Config.Labels['io.pyhost.generation'] ?? '?'})`;
  expect(info.Config.User, where).toBe(`${expected.uid}:${expected.uid}`);
  expect(hc.CapDrop, where).toEqual(['ALL']);
  expect(hc.CapAdd ?? [], where).toEqual([]);
  expect(hc.Privileged, where).toBe(false);
  expect(hc.SecurityOpt, where).toContain('no-new-privileges');
  expect(hc.ReadonlyRootfs, where).toBe(true);
  expect(Object.keys(hc.Tmpfs ?? {}), where).toEqual(['/tmp']);
  expect(hc.PidsLimit, where).toBeGreaterThan(0);
  expect(hc.Memory, where).toBeGreaterThan(0);
  expect(hc.MemorySwap, where).toBe(hc.Memory);
  expect(hc.NanoCpus, where).toBeGreaterThan(0);
  expect(hc.Init, where).toBe(true);
  expect(hc.NetworkMode, where).toBe('none');
  expect(hc.LogConfig?.Type, where).toBe('json-file');
  expect(hc.LogConfig?.Config?.['max-size'], where).toBeDefined();
  const mounts = (info.Mounts ?? []).map((m) => `${m.Destination}`).sort();
  expect(mounts, where).toEqual([`/home/${expected.username}`, '/run/pyhost', '/var/log', '/var/www'].sort());
  expect(JSON.stringify(info.Mounts), where).not.toContain('docker.sock');
  expect(info.Config.Labels['io.pyhost.managed'], where).toBe('true');
  for (const key of ['io.pyhost.instance', 'io.pyhost.user', 'io.pyhost.kind', 'io.pyhost.webapp', 'io.pyhost.generation']) {
    expect(info.Config.Labels[key], `${where} ${key}`).toBeTruthy();
  }
}
