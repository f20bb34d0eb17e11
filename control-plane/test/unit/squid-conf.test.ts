import { describe, expect, it } from 'vitest';
import { allowlistFile, BLOCKED_RANGES, errorPages, squidConf } from '../../src/domain/squid-conf.js';
import { buildEgressProxyOptions } from '../../src/runtime/egress-proxy-spec.js';
import { parseLabels } from '../../src/runtime/labels.js';
import { egressFiles } from '../../src/services/platform/egress-proxy.js';

const lines = (conf: string) => conf.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
const access = (conf: string) => lines(conf).filter((l) => l.startsWith('http_access'));

describe('the egress proxy\'s squid.conf', () => {
  const allowlist = squidConf({ mode: 'allowlist', dir: '/run/pyhost-egress' });
  const open = squidConf({ mode: 'open', dir: '/run/pyhost-egress' });

  it('listens on loopback only (socat hands it the unix socket\'s connections)', () => {
    expect(lines(allowlist).filter((l) => l.startsWith('http_port'))).toEqual(['http_port 127.0.0.1:3128']);
  });

  it('in allowlist mode: listed names wherever they resolve, then nothing else', () => {
    expect(access(allowlist)).toEqual([
      'http_access deny !Safe_ports',
      'http_access deny CONNECT !SSL_ports',
      'http_access allow allowed',
      'http_access deny blocked',
      'http_access deny to_all',
    ]);
    expect(allowlist).toContain('acl allowed dstdomain -n "/run/pyhost-egress/allowlist.txt"');
  });

  it('in open mode: anything but this host, the local network and link-local', () => {
    expect(access(open).slice(-2)).toEqual(['http_access deny blocked', 'http_access allow all']);
    const blocked = lines(open).find((l) => l.startsWith('acl blocked dst '))!;
    for (const range of ['10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '::1', 'fc00::/7', 'fe80::/10']) {
      expect(blocked.split(' ')).toContain(range);
    }
    expect(BLOCKED_RANGES).not.toContain('198.18.0.0/15');
  });

  it('only ports 80 and 443; CONNECT only to 443', () => {
    expect(open).toContain('acl Safe_ports port 80 443');
    expect(open).toContain('acl SSL_ports port 443');
  });

  it('keeps nothing: no cache, and its log is the container\'s output', () => {
    expect(lines(open)).toEqual(expect.arrayContaining(['cache deny all', 'cache_mem 0 MB', 'access_log stdio:/run/squid/log.fifo']));
    expect(open).not.toMatch(/^cache_dir/m);
  });

  it('says why it refused, in words a learner can act on', () => {
    expect(lines(open)).toEqual(expect.arrayContaining(['deny_info ERR_PYHOST_LOCAL blocked', 'deny_info ERR_PYHOST_NOT_LISTED to_all']));
    const pages = errorPages();
    expect(pages.ERR_PYHOST_NOT_LISTED).toContain("Pyhost: this server's administrator allows internet access only to listed sites; %H is not one of them.");
    expect(pages.ERR_PYHOST_LOCAL).toContain('%H is an address on this server or its local network');
  });

  it('writes the allowlist one name a line', () => {
    expect(allowlistFile(['.pypi.org', 'github.com'])).toBe('.pypi.org\ngithub.com\n');
    expect(allowlistFile([])).toBe('');
  });

  it('is what the api writes into the egress folder', () => {
    const files = egressFiles({ egress: { mode: 'open', allow: ['pypi.test'], image: 'pyhost-egress:latest' } });
    expect(Object.keys(files).sort()).toEqual(['ERR_PYHOST_LOCAL', 'ERR_PYHOST_NOT_LISTED', 'allowlist.txt', 'squid.conf']);
    expect(files['squid.conf']).toBe(open);
    expect(files['allowlist.txt']).toBe('pypi.test\n');
  });
});

describe("the egress proxy's container", () => {
  const opts = buildEgressProxyOptions({ instance: 'dev', image: 'pyhost-egress:latest', dir: '/data/egress', configHash: 'a'.repeat(64) });
  const host = opts.HostConfig ?? {};

  it.each<[string, unknown, unknown]>([
    ['name', opts.name, 'pyhost-dev-egress'],
    ['CapDrop', host.CapDrop, ['ALL']],
    ['CapAdd', host.CapAdd, ['SETUID', 'SETGID']],
    ['SecurityOpt', host.SecurityOpt, ['no-new-privileges']],
    ['ReadonlyRootfs', host.ReadonlyRootfs, true],
    ['Privileged', host.Privileged, false],
    ['NetworkMode', host.NetworkMode, 'pyhost-dev-egress'],
    ['Mounts', host.Mounts, [{ Type: 'bind', Source: '/data/egress', Target: '/run/pyhost-egress', ReadOnly: false }]],
    ['Cmd', opts.Cmd, ['/run/pyhost-egress/squid.conf', '/run/pyhost-egress/proxy.sock']],
    ['PidsLimit', host.PidsLimit, 256],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('is labelled as the instance\'s, and as no workload kind', () => {
    expect(opts.Labels).toEqual({ 'io.pyhost.managed': 'true', 'io.pyhost.instance': 'dev', 'io.pyhost.kind': 'egress-proxy', 'io.pyhost.egress-config': 'a'.repeat(64) });
    // The reconciler and the meters take only workloads: the proxy is none of theirs.
    expect(parseLabels(opts.Labels)).toBeNull();
    expect(host.Memory).toBe(host.MemorySwap);
    expect(Object.keys(host.Tmpfs ?? {}).sort()).toEqual(['/run/squid', '/tmp', '/var/log/squid', '/var/spool/squid']);
  });

  it('refuses a folder a user container must not get, and a malformed hash', () => {
    expect(() => buildEgressProxyOptions({ instance: 'dev', image: 'x', dir: '/var/run/docker.sock', configHash: 'a'.repeat(64) })).toThrow();
    expect(() => buildEgressProxyOptions({ instance: 'dev', image: 'x', dir: '/data/egress', configHash: 'nope' })).toThrow();
  });
});
