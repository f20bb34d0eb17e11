import { describe, expect, it } from 'vitest';
import { buildConsoleCreateOptions, type ConsoleContainerSpec } from '../../src/runtime/console-spec.js';
import { InvalidSpecError, buildWebappCreateOptions } from '../../src/runtime/container-spec.js';
import { parseLabels } from '../../src/runtime/labels.js';
import { webappSpec } from '../helpers/container-specs.js';

const MiB = 1024 * 1024;

function spec(overrides: Partial<ConsoleContainerSpec> = {}): ConsoleContainerSpec {
  return {
    instance: 'dev',
    image: 'pyhost-runtime:latest',
    username: 'alice',
    uid: 10001,
    env: { HOME: '/home/alice', USER: 'alice', PATH: '/home/alice/.local/bin:/usr/bin:/bin' },
    hostPaths: {
      home: '/data/users/alice/home',
      www: '/data/users/alice/www',
      log: '/data/users/alice/log',
      passwd: '/data/etc/alice/passwd',
      group: '/data/etc/alice/group',
    },
    limits: { memoryBytes: 256 * MiB, nanoCpus: 500_000_000, pids: 128, logMaxBytes: 20 * MiB },
    ...overrides,
  };
}

describe('buildConsoleCreateOptions', () => {
  const opts = buildConsoleCreateOptions(spec());
  const host = opts.HostConfig ?? {};

  it('is one container per user, labelled as a console', () => {
    expect(opts.name).toBe('pyhost-dev-console-alice');
    expect(parseLabels(opts.Labels)).toEqual({ instance: 'dev', user: 'alice', kind: 'console', webapp: null, generation: null });
  });

  it('hardens exactly like a web app (same function, same values)', () => {
    const webapp = buildWebappCreateOptions(webappSpec({ limits: spec().limits }));
    const { Mounts: _a, ...consoleHardening } = host;
    const { Mounts: _b, ...webappHardening } = webapp.HostConfig ?? {};
    expect(consoleHardening).toEqual(webappHardening);
    expect(opts.User).toBe('10001:10001');
    expect(host).toMatchObject({ CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true, NetworkMode: 'none', Init: true, PidsLimit: 128 });
  });

  it('mounts the three folders read-write and passwd/group read-only, nothing else', () => {
    expect(host.Mounts).toEqual([
      { Type: 'bind', Source: '/data/users/alice/home', Target: '/home/alice', ReadOnly: false },
      { Type: 'bind', Source: '/data/users/alice/www', Target: '/var/www', ReadOnly: false },
      { Type: 'bind', Source: '/data/users/alice/log', Target: '/var/log', ReadOnly: false },
      { Type: 'bind', Source: '/data/etc/alice/passwd', Target: '/etc/passwd', ReadOnly: true },
      { Type: 'bind', Source: '/data/etc/alice/group', Target: '/etc/group', ReadOnly: true },
    ]);
  });

  it('idles instead of running the gateway, in the home folder', () => {
    expect(opts.Entrypoint).toEqual(['sleep', 'infinity']);
    expect(opts.WorkingDir).toBe('/home/alice');
    expect(opts.Env).toContain('HOME=/home/alice');
  });

  it.each<[string, Partial<ConsoleContainerSpec>]>([
    ['root', { uid: 0 }],
    ['a username that escapes /home', { username: '../etc' }],
    ['a passwd file from the host', { hostPaths: { ...spec().hostPaths, passwd: '/etc/passwd' } }],
    ['the Docker socket', { hostPaths: { ...spec().hostPaths, home: '/var/run/docker.sock' } }],
    ['a relative path', { hostPaths: { ...spec().hostPaths, www: 'data/www' } }],
    ['no pids limit', { limits: { ...spec().limits, pids: 0 } }],
  ])('refuses %s', (_what, override) => {
    expect(() => buildConsoleCreateOptions(spec(override))).toThrow(InvalidSpecError);
  });
});
