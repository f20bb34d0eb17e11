import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { InvalidSpecError, buildCreateOptions, type WorkloadSpec } from '../../src/runtime/workload-spec.js';
import { EGRESS_SHIM } from '../../src/runtime/workload-network.js';
import { parseLabels } from '../../src/runtime/labels.js';
import { consoleWorkload } from '../../src/services/consoles/console-workload.js';
import { userRow } from '../helpers/rows.js';
import { webappSpec as spec, withHostPaths, type TestWebappSpec } from '../helpers/container-specs.js';

const MiB = 1024 * 1024;


describe('buildCreateOptions for a web app', () => {
  const opts = buildCreateOptions(spec());
  const host = opts.HostConfig ?? {};

  it('names the container for humans', () => {
    expect(opts.name).toBe('pyhost-dev-42-g5');
    expect(opts.Image).toBe('pyhost-runtime:latest');
  });

  it.each<[string, unknown, unknown]>([
    ['User', opts.User, '10001:10001'],
    ['CapDrop', host.CapDrop, ['ALL']],
    ['SecurityOpt', host.SecurityOpt, ['no-new-privileges']],
    ['ReadonlyRootfs', host.ReadonlyRootfs, true],
    ['Tmpfs', host.Tmpfs, { '/tmp': 'rw,nosuid,nodev,size=64m' }],
    ['PidsLimit', host.PidsLimit, 128],
    ['Memory', host.Memory, 256 * MiB],
    ['MemorySwap', host.MemorySwap, 256 * MiB],
    ['NanoCpus', host.NanoCpus, 500_000_000],
    ['Init', host.Init, true],
    ['NetworkMode', host.NetworkMode, 'none'],
    ['RestartPolicy', host.RestartPolicy, { Name: 'no' }],
    ['Privileged', host.Privileged, false],
    ['LogConfig', host.LogConfig, { Type: 'json-file', Config: { 'max-size': String(10 * MiB), 'max-file': '2' } }],
  ])('hardening: %s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('mounts exactly the four agreed directories and nothing else', () => {
    expect(host.Mounts).toEqual([
      { Type: 'bind', Source: '/data/users/alice/home', Target: '/home/alice', ReadOnly: false },
      { Type: 'bind', Source: '/data/users/alice/www', Target: '/var/www', ReadOnly: false },
      { Type: 'bind', Source: '/data/users/alice/log', Target: '/var/log', ReadOnly: false },
      { Type: 'bind', Source: '/data/run/42/5', Target: '/run/pyhost', ReadOnly: false },
    ]);
    expect(host.Binds).toBeUndefined();
    expect(opts.Volumes).toBeUndefined();
    expect(JSON.stringify(opts)).not.toContain('docker.sock');
    expect(host.CapAdd).toBeUndefined();
    expect(host.PortBindings).toBeUndefined();
  });

  it('passes the environment as KEY=value and sets HOME to the mounted home', () => {
    expect(opts.Env).toEqual(['PYHOST_DOMAIN_NAME=alice.localhost', 'PYHOST_USERNAME=alice', 'GREETING=a=b c', 'HOME=/home/alice']);
    expect(buildCreateOptions(spec({ env: { HOME: '/home/alice/x' } })).Env).toEqual(['HOME=/home/alice/x']);
  });

  it('labels the container so that it is found by label', () => {
    expect(parseLabels(opts.Labels, 'dev')).toEqual({ instance: 'dev', user: 'alice', kind: 'webapp', workload: 42, generation: 5 });
    // Containers made before io.pyhost.workload carried only this; it stays for `docker ps --filter`.
    expect(opts.Labels?.['io.pyhost.webapp']).toBe('42');
    expect(opts.Labels?.['io.pyhost.domain']).toBe('alice.localhost');
  });

  it('is pure: the same spec gives the same options', () => {
    expect(buildCreateOptions(spec())).toEqual(opts);
  });

  const paths = spec().hostPaths;
  const at = (hostPaths: Partial<TestWebappSpec['hostPaths']>): TestWebappSpec => withHostPaths(spec(), { ...paths, ...hostPaths });
  it.each<[string, TestWebappSpec]>([
    ['uid 0', spec({ uid: 0 })],
    ['negative uid', spec({ uid: -5 })],
    ['fractional uid', spec({ uid: 10.5 })],
    ['relative home', at({ home: 'data/users/alice/home' })],
    ['dot-relative www', at({ www: './www' })],
    ['.. in log path', at({ log: '/data/users/alice/../bob/log' })],
    ['double slash', at({ run: '/data//run/42/5' })],
    ['trailing slash', at({ home: '/data/users/alice/home/' })],
    ['/. segment', at({ home: '/data/./users/alice/home' })],
    ['host root', at({ home: '/' })],
    ['docker socket', at({ run: '/var/run/docker.sock' })],
    ['docker socket elsewhere', at({ run: '/data/docker.sock' })],
    ['/etc', at({ www: '/etc' })],
    ['under /proc', at({ log: '/proc/1/root' })],
    ['username with a slash', spec({ username: '../root' })],
    ['username ..', spec({ username: '..' })],
    ['uppercase username', spec({ username: 'Alice' })],
    ['bad instance', spec({ instance: 'has space' })],
    ['bad domain', spec({ domain: 'Alice.localhost/../x' })],
    ['empty image', spec({ image: '' })],
    ['invalid env key', spec({ env: { 'BAD-KEY': 'x' } })],
    ['env key with =', spec({ env: { 'A=B': 'x' } })],
    ['NUL in env value', spec({ env: { A: 'x\0y' } })],
    ['zero pids', spec({ limits: { ...spec().limits, pids: 0 } })],
    ['memory under Docker minimum', spec({ limits: { ...spec().limits, memoryBytes: 1024 } })],
    ['zero cpus', spec({ limits: { ...spec().limits, nanoCpus: 0 } })],
    ['negative generation', spec({ generation: -1 })],
    ['a mount at another place', spec({ mounts: [...spec().mounts, { source: '/data/x', target: '/usr/local' }] })],
    ['a mount at the same place twice', spec({ mounts: [...spec().mounts, { source: '/data/y', target: '/var/www' }] })],
    ['a writable passwd', spec({ mounts: [...spec().mounts, { source: '/data/etc/alice/passwd', target: '/etc/passwd' }] })],
  ])('rejects %s', (_name, bad) => {
    expect(() => buildCreateOptions(bad)).toThrow(InvalidSpecError);
  });
});

describe('buildCreateOptions for a console', () => {
  const config = loadConfig({ PYHOST_DATA: '/data', PYHOST_APP_MEMORY_MB: '256', PYHOST_APP_CPUS: '0.5', PYHOST_APP_PIDS: '128' });
  const alice = userRow({ id: 1, username: 'alice' });
  const console = (over: Partial<WorkloadSpec> = {}): WorkloadSpec => ({ ...consoleWorkload(config, 'dev', alice, { passwd: '/data/etc/alice/passwd', group: '/data/etc/alice/group' }, config.limits.memory_mb), ...over });
  const opts = buildCreateOptions(console());
  const host = opts.HostConfig ?? {};

  it('is one container per user, labelled as a console with the user\'s id', () => {
    expect(opts.name).toBe('pyhost-dev-console-alice');
    expect(parseLabels(opts.Labels)).toEqual({ instance: 'dev', user: 'alice', kind: 'console', workload: 1, generation: null });
  });

  it('hardens exactly like a web app (same function, same values)', () => {
    const webapp = buildCreateOptions(spec({ limits: console().limits }));
    const { Mounts: _a, ...consoleHardening } = host;
    const { Mounts: _b, ...webappHardening } = webapp.HostConfig ?? {};
    expect(consoleHardening).toEqual(webappHardening);
    expect(opts.User).toBe('10001:10001');
    expect(host).toMatchObject({ CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true, NetworkMode: 'none', Init: true, PidsLimit: 128 });
  });

  it('mounts the three folders read-write, passwd/group and the wheelhouse read-only, nothing else', () => {
    expect(host.Mounts).toEqual([
      { Type: 'bind', Source: '/data/users/alice/home', Target: '/home/alice', ReadOnly: false },
      { Type: 'bind', Source: '/data/users/alice/www', Target: '/var/www', ReadOnly: false },
      { Type: 'bind', Source: '/data/users/alice/log', Target: '/var/log', ReadOnly: false },
      { Type: 'bind', Source: '/data/etc/alice/passwd', Target: '/etc/passwd', ReadOnly: true },
      { Type: 'bind', Source: '/data/etc/alice/group', Target: '/etc/group', ReadOnly: true },
      { Type: 'bind', Source: '/data/wheelhouse', Target: '/wheelhouse', ReadOnly: true },
    ]);
  });

  it('idles instead of running the gateway, in the home folder', () => {
    expect(opts.Entrypoint).toEqual(['sleep', 'infinity']);
    expect(opts.WorkingDir).toBe('/home/alice');
    expect(opts.Hostname).toBe('pyhost');
    expect(opts.StopSignal).toBe('SIGKILL');
    expect(opts.Env).toContain('HOME=/home/alice');
  });

  const mountsWith = (target: string, source: string) => console().mounts.map((m) => (m.target === target ? { ...m, source } : m));
  it.each<[string, WorkloadSpec]>([
    ['root', console({ uid: 0 })],
    ['a username that escapes /home', console({ username: '../etc' })],
    ['a passwd file from the host', console({ mounts: mountsWith('/etc/passwd', '/etc/passwd') })],
    ['the Docker socket', console({ mounts: mountsWith('/home/alice', '/var/run/docker.sock') })],
    ['a relative path', console({ mounts: mountsWith('/var/www', 'data/www') })],
    ['no pids limit', console({ limits: { ...console().limits, pids: 0 } })],
  ])('refuses %s', (_what, bad) => {
    expect(() => buildCreateOptions(bad)).toThrow(InvalidSpecError);
  });
});

describe('buildCreateOptions: the wheelhouse and egress (docs/egress.md)', () => {
  const alice = userRow({ id: 1, username: 'alice' });
  const etc = { passwd: '/data/etc/alice/passwd', group: '/data/etc/alice/group' };
  const consoleIn = (mode: string) => consoleWorkload(loadConfig({ PYHOST_DATA: '/data', PYHOST_EGRESS: mode }), 'dev', alice, etc, 256);
  const webappIn = (mode: string) => ({ ...spec(), network: { wheelhouse: '/data/wheelhouse', egressDir: mode === 'none' ? null : '/data/egress' } });
  const proxy = 'http://127.0.0.1:3128';

  it('with egress none: the wheelhouse read-only, pip offline, no socket, the entrypoint untouched', () => {
    const opts = buildCreateOptions(consoleIn('none'));
    expect(opts.HostConfig?.Mounts?.map((m) => m.Target)).not.toContain('/run/pyhost-egress');
    expect(opts.HostConfig?.Mounts).toContainEqual({ Type: 'bind', Source: '/data/wheelhouse', Target: '/wheelhouse', ReadOnly: true });
    expect(opts.Env).toEqual(expect.arrayContaining(['PIP_FIND_LINKS=/wheelhouse', 'PIP_NO_INDEX=1']));
    expect(opts.Env?.some((e) => /^https?_proxy=/i.test(e))).toBe(false);
    expect(opts.Entrypoint).toEqual(['sleep', 'infinity']);
    expect(buildCreateOptions(webappIn('none')).Entrypoint).toBeUndefined();
  });

  it.each(['allowlist', 'open'])('with egress %s: the socket folder read-only, the proxy variables, no network still', (mode) => {
    const opts = buildCreateOptions(consoleIn(mode));
    expect(opts.HostConfig?.NetworkMode).toBe('none');
    expect(opts.HostConfig?.Mounts).toContainEqual({ Type: 'bind', Source: '/data/egress', Target: '/run/pyhost-egress', ReadOnly: true });
    expect(opts.Env).toEqual(expect.arrayContaining([
      'PIP_FIND_LINKS=/wheelhouse', `HTTP_PROXY=${proxy}`, `HTTPS_PROXY=${proxy}`, `http_proxy=${proxy}`, `https_proxy=${proxy}`, 'NO_PROXY=localhost,127.0.0.1',
    ]));
    expect(opts.Env).not.toContain('PIP_NO_INDEX=1');
  });

  it('starts the forwarder before the workload, which keeps its own command by exec', () => {
    const console = buildCreateOptions(consoleIn('allowlist'));
    expect(console.Entrypoint).toEqual(['bash', '-c', EGRESS_SHIM, 'pyhost-egress', 'sleep', 'infinity']);
    expect(console.Cmd).toEqual([]);
    expect(EGRESS_SHIM).toContain('socat TCP-LISTEN:3128,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/run/pyhost-egress/proxy.sock');
    expect(EGRESS_SHIM).toMatch(/exec "\$@"$/);
    // The web app's gateway is the image's entrypoint: spelled out behind the forwarder.
    expect(buildCreateOptions(webappIn('open')).Entrypoint).toEqual(['bash', '-c', EGRESS_SHIM, 'pyhost-egress', 'python3', '-m', 'pyhost_gateway']);
  });

  it("lets the workload's own variables win (a user's own index)", () => {
    const opts = buildCreateOptions({ ...consoleIn('open'), env: { PIP_FIND_LINKS: '/home/alice/wheels' } });
    expect(opts.Env).toContain('PIP_FIND_LINKS=/home/alice/wheels');
    expect(opts.Env).not.toContain('PIP_FIND_LINKS=/wheelhouse');
  });

  it('refuses a writable wheelhouse or socket folder', () => {
    const base = consoleIn('none');
    for (const target of ['/wheelhouse', '/run/pyhost-egress']) {
      expect(() => buildCreateOptions({ ...base, network: undefined, mounts: [...base.mounts, { source: '/data/x', target }] })).toThrow(InvalidSpecError);
    }
  });
});
