import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { egressDir } from '../../src/domain/layout.js';
import { EgressProxy } from '../../src/services/platform/egress-proxy.js';
import { FakeEgressRuntime } from '../fakes/fake-egress-runtime.js';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as FastifyBaseLogger;

describe('the egress proxy with an allowlist an admin changes', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  function setUp(mode: string) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-egress-'));
    dirs.push(dataDir);
    fs.mkdirSync(egressDir(dataDir), { recursive: true });
    const config = loadConfig({ PYHOST_DATA: dataDir, PYHOST_EGRESS: mode, PYHOST_EGRESS_ALLOW: 'pypi.org' });
    const runtime = new FakeEgressRuntime();
    let allow: readonly string[] = config.egress.allow;
    const proxy = new EgressProxy(config, 'dev', runtime, log, () => allow);
    const allowlist = () => fs.readFileSync(path.join(egressDir(dataDir), 'allowlist.txt'), 'utf8');
    return { proxy, runtime, allowlist, setAllow: (list: readonly string[]) => (allow = list) };
  }

  it('writes the new list and replaces the proxy before apply() resolves', async () => {
    const { proxy, runtime, allowlist, setAllow } = setUp('allowlist');
    await proxy.start();
    expect(allowlist()).toBe('pypi.org\n');
    const first = runtime.running;

    setAllow(['.pythonhosted.org', 'mirror.school.example']);
    await proxy.apply();
    expect(allowlist()).toBe('.pythonhosted.org\nmirror.school.example\n');
    expect(runtime.running).not.toBe(first);
    expect(runtime.specs).toHaveLength(2);
  });

  it('applies two quick changes one after the other, ending with the last', async () => {
    const { proxy, runtime, allowlist, setAllow } = setUp('allowlist');
    await proxy.start();
    setAllow(['one.example']);
    const a = proxy.apply();
    setAllow(['two.example']);
    await Promise.all([a, proxy.apply()]);
    expect(allowlist()).toBe('two.example\n');
    expect(runtime.specs).toHaveLength(3);
  });

  it('says so when the proxy cannot be replaced', async () => {
    const { proxy, runtime, setAllow } = setUp('allowlist');
    await proxy.start();
    runtime.failing = true;
    setAllow(['other.example']);
    await expect(proxy.apply()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('leaves an open proxy as it is: only allowlist mode reads the list', async () => {
    const { proxy, runtime, setAllow } = setUp('open');
    await proxy.start();
    setAllow(['other.example']);
    await proxy.apply();
    expect(runtime.specs).toHaveLength(1);
  });
});
