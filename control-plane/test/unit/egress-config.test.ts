import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_EGRESS_ALLOW, normalizeAllowlist } from '../../src/domain/egress.js';
import { workloadNetwork } from '../../src/services/platform/workload-network.js';

const egress = (env: Record<string, string>) => loadConfig({ PYHOST_DATA: '/data', ...env }).egress;

describe('PYHOST_EGRESS and PYHOST_EGRESS_ALLOW', () => {
  it('defaults to no egress, with PyPI, GitHub and python.org on the list', () => {
    expect(egress({})).toEqual({ mode: 'none', allow: [...DEFAULT_EGRESS_ALLOW].sort(), image: 'pyhost-egress:latest' });
    expect(DEFAULT_EGRESS_ALLOW).toEqual(expect.arrayContaining(['.pypi.org', '.pythonhosted.org', '.github.com', '.githubusercontent.com']));
  });

  it.each(['none', 'allowlist', 'open', 'OPEN', ' allowlist '])('accepts %j', (mode) => {
    expect(egress({ PYHOST_EGRESS: mode }).mode).toBe(mode.trim().toLowerCase());
  });

  it('refuses another mode, naming the three', () => {
    expect(() => egress({ PYHOST_EGRESS: 'proxy' })).toThrow(ConfigError);
    expect(() => egress({ PYHOST_EGRESS: 'proxy' })).toThrow(/PYHOST_EGRESS must be "none".*"allowlist".*"open", got "proxy"/);
  });

  it('replaces the default list with the admin\'s, normalized', () => {
    expect(egress({ PYHOST_EGRESS_ALLOW: ' PyPI.org., .pythonhosted.org,, mirror.school.example ' }).allow).toEqual(['.pythonhosted.org', 'mirror.school.example', 'pypi.org']);
  });

  it.each(['https://pypi.org', 'pypi.org:443', 'pypi.org/simple', '*.pypi.org', 'pypi..org', '-pypi.org', 'pyp i.org'])('refuses the malformed entry %j, saying what would do', (entry) => {
    expect(() => egress({ PYHOST_EGRESS_ALLOW: `pypi.org,${entry}` })).toThrow(/PYHOST_EGRESS_ALLOW: ".*" is not a domain name: use names such as "pypi.org", or ".pypi.org"/);
  });

  it('drops names a listed .domain covers (squid refuses such overlaps)', () => {
    expect(normalizeAllowlist(['files.pythonhosted.org', '.pythonhosted.org', 'pythonhosted.org', 'github.com'])).toEqual(['.pythonhosted.org', 'github.com']);
  });
});

describe('workloadNetwork', () => {
  it('always gives the wheelhouse; the socket folder only with egress on', () => {
    expect(workloadNetwork(loadConfig({ PYHOST_DATA: '/data' }))).toEqual({ wheelhouse: '/data/wheelhouse', egressDir: null });
    expect(workloadNetwork(loadConfig({ PYHOST_DATA: '/data', PYHOST_EGRESS: 'allowlist' }))).toEqual({ wheelhouse: '/data/wheelhouse', egressDir: '/data/egress' });
    expect(workloadNetwork(loadConfig({ PYHOST_DATA: '/data', PYHOST_EGRESS: 'open' })).egressDir).toBe('/data/egress');
  });
});
