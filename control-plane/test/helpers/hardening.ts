import { expect } from 'vitest';
import type Docker from 'dockerode';

/** Asserts the Docker contract's hardening on one container (docs/architecture.md). */
export function expectHardened(info: Docker.ContainerInspectInfo, expected: { uid: number; username: string }): void {
  const kind = info.Config.Labels['io.pyhost.kind'];
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
  const mounts = (info.Mounts ?? []).map((m) => `${m.Destination}${m.RW ? '' : ' (ro)'}`).sort();
  // Consoles and tasks get the user's name for their uid (read-only passwd/group) instead of a socket folder.
  const named = kind === 'console' || kind === 'scheduled_run' || kind === 'always_on';
  // A website's command runs as the user (passwd/group) and listens in its run folder.
  const own = kind === 'website' ? ['/etc/group (ro)', '/etc/passwd (ro)', '/run/pyhost'] : named ? ['/etc/group (ro)', '/etc/passwd (ro)'] : ['/run/pyhost'];
  // Every user's container sees the admin's wheels; with egress on, also the proxy's socket folder (docs/egress.md).
  const egress = (info.Config.Env ?? []).some((e) => e.startsWith('HTTPS_PROXY='));
  const network = ['/wheelhouse (ro)', ...(egress ? ['/run/pyhost-egress (ro)'] : [])];
  expect(mounts, where).toEqual([`/home/${expected.username}`, '/var/log', '/var/www', ...own, ...network].sort());
  expect(JSON.stringify(info.Mounts), where).not.toContain('docker.sock');
  expect(info.Config.Labels['io.pyhost.managed'], where).toBe('true');
  const labels = ['io.pyhost.instance', 'io.pyhost.user', 'io.pyhost.kind', ...(kind === 'scheduled_run' ? ['io.pyhost.workload'] : kind === 'always_on' || kind === 'website' ? ['io.pyhost.workload', 'io.pyhost.generation'] : kind === 'console' ? [] : ['io.pyhost.webapp', 'io.pyhost.generation'])];
  for (const key of labels) {
    expect(info.Config.Labels[key], `${where} ${key}`).toBeTruthy();
  }
}
