import { describe, expect, it } from 'vitest';
import {
  InvalidSpecError,
  buildWebappCreateOptions,
  type WebappContainerSpec,
} from '../../src/runtime/container-spec.js';
import { parseLabels } from '../../src/runtime/labels.js';
import { webappSpec as spec } from '../helpers/container-specs.js';

const MiB = 1024 * 1024;


describe('buildWebappCreateOptions', () => {
  const opts = buildWebappCreateOptions(spec());
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
    expect(buildWebappCreateOptions(spec({ env: { HOME: '/home/alice/x' } })).Env).toEqual(['HOME=/home/alice/x']);
  });

  it('labels the container so that it is found by label', () => {
    expect(parseLabels(opts.Labels, 'dev')).toEqual({ instance: 'dev', user: 'alice', kind: 'webapp', webapp: 42, generation: 5 });
    expect(opts.Labels?.['io.pyhost.domain']).toBe('alice.localhost');
  });

  it('is pure: the same spec gives the same options', () => {
    expect(buildWebappCreateOptions(spec())).toEqual(opts);
  });

  const paths = spec().hostPaths;
  it.each<[string, Partial<WebappContainerSpec>]>([
    ['uid 0', { uid: 0 }],
    ['negative uid', { uid: -5 }],
    ['fractional uid', { uid: 10.5 }],
    ['relative home', { hostPaths: { ...paths, home: 'data/users/alice/home' } }],
    ['dot-relative www', { hostPaths: { ...paths, www: './www' } }],
    ['.. in log path', { hostPaths: { ...paths, log: '/data/users/alice/../bob/log' } }],
    ['double slash', { hostPaths: { ...paths, run: '/data//run/42/5' } }],
    ['trailing slash', { hostPaths: { ...paths, home: '/data/users/alice/home/' } }],
    ['/. segment', { hostPaths: { ...paths, home: '/data/./users/alice/home' } }],
    ['host root', { hostPaths: { ...paths, home: '/' } }],
    ['docker socket', { hostPaths: { ...paths, run: '/var/run/docker.sock' } }],
    ['docker socket elsewhere', { hostPaths: { ...paths, run: '/data/docker.sock' } }],
    ['/etc', { hostPaths: { ...paths, www: '/etc' } }],
    ['under /proc', { hostPaths: { ...paths, log: '/proc/1/root' } }],
    ['username with a slash', { username: '../root' }],
    ['username ..', { username: '..' }],
    ['uppercase username', { username: 'Alice' }],
    ['bad instance', { instance: 'has space' }],
    ['bad domain', { domain: 'Alice.localhost/../x' }],
    ['empty image', { image: '' }],
    ['invalid env key', { env: { 'BAD-KEY': 'x' } }],
    ['env key with =', { env: { 'A=B': 'x' } }],
    ['NUL in env value', { env: { A: 'x\0y' } }],
    ['zero pids', { limits: { ...spec().limits, pids: 0 } }],
    ['memory under Docker minimum', { limits: { ...spec().limits, memoryBytes: 1024 } }],
    ['zero cpus', { limits: { ...spec().limits, nanoCpus: 0 } }],
    ['negative generation', { generation: -1 }],
  ])('rejects %s', (_name, overrides) => {
    expect(() => buildWebappCreateOptions(spec(overrides))).toThrow(InvalidSpecError);
  });
});
