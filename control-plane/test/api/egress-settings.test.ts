import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_EGRESS_ALLOW } from '../../src/domain/egress.js';
import { egressDir } from '../../src/domain/layout.js';
import { FakeEgressRuntime } from '../fakes/fake-egress-runtime.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';
import { ADMIN, adminToken, asToken, createTestApp, createUser, type TestApp } from '../helpers/test-app.js';

// The egress allowlist as an instance setting (docs/egress.md): the env's
// list until an admin sets one, validated as PYHOST_EGRESS_ALLOW is, kept
// across restarts, and taken by the proxy without restarting the api.

/** The fake engine with a fake egress proxy beside it. */
class FakeRuntimeWithEgress extends FakeRuntime {
  readonly egressProxy = new FakeEgressRuntime();
}

describe('the egress allowlist setting', () => {
  let t: TestApp;
  let admin: string;
  const settings = (payload?: object) =>
    t.app.inject({ method: payload ? 'PATCH' : 'GET', url: '/api/admin/settings', headers: asToken(admin), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_EGRESS: 'allowlist' });
    admin = await adminToken(t.app);
  });
  afterAll(async () => t?.close());

  it('starts as the default list, with the mode from PYHOST_EGRESS', async () => {
    const r = await settings();
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ egress: 'allowlist', egress_allow: [...DEFAULT_EGRESS_ALLOW].sort() });
  });

  it('takes a new list, normalized as the proxy gets it', async () => {
    const r = await settings({ egress_allow: [' Mirror.School.Example. ', '.pypi.org', 'files.pypi.org', ''] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().egress_allow).toEqual(['.pypi.org', 'mirror.school.example']);
    expect((await settings()).json().egress_allow).toEqual(['.pypi.org', 'mirror.school.example']);
  });

  it('refuses a list with an entry that is not a domain name, naming it, and keeps the old list', async () => {
    const r = await settings({ egress_allow: ['pypi.org', 'https://evil.example/path'] });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'egress_allow' });
    expect(r.json().detail).toContain('"https://evil.example/path" is not a domain name');
    expect((await settings()).json().egress_allow).toEqual(['.pypi.org', 'mirror.school.example']);
  });

  it('goes back to the environment\'s list on null', async () => {
    expect((await settings({ egress_allow: null })).json().egress_allow).toEqual([...DEFAULT_EGRESS_ALLOW].sort());
  });

  it('cannot change the mode, and is for admins only', async () => {
    expect((await settings({ egress: 'open' })).statusCode).toBe(400);
    const user = await createUser(t.app);
    const r = await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(user.token), payload: { egress_allow: ['x.example'] } });
    expect(r.statusCode).toBe(403);
  });
});

describe('a changed egress allowlist', () => {
  it('reaches the proxy before the answer, and is kept across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-egress-'));
    const env = { PYHOST_DATA: dataDir, PYHOST_PASSWORD_HASH_COST: '14', PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_EGRESS: 'allowlist', PYHOST_EGRESS_ALLOW: 'pypi.org' };
    const allowlist = () => fs.readFileSync(path.join(egressDir(dataDir), 'allowlist.txt'), 'utf8');
    try {
      const runtime = new FakeRuntimeWithEgress();
      const first = await buildApp({ config: loadConfig(env), runtime });
      await first.ready();
      expect(allowlist()).toBe('pypi.org\n');
      const started = runtime.egressProxy.running;
      const token = await adminToken(first);
      const r = await first.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(token), payload: { egress_allow: ['pypi.org', 'mirror.school.example'] } });
      expect(r.statusCode, r.body).toBe(200);
      expect(allowlist()).toBe('mirror.school.example\npypi.org\n');
      expect(runtime.egressProxy.running).not.toBe(started);

      // The same list again: nothing to replace.
      const again = await first.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(token), payload: { egress_allow: ['mirror.school.example', 'pypi.org'] } });
      expect(again.statusCode).toBe(200);
      expect(runtime.egressProxy.specs).toHaveLength(2);
      await first.close();
      runtime.shutdown();

      const second = await buildApp({ config: loadConfig(env), runtime: new FakeRuntimeWithEgress() });
      await second.ready();
      expect(second.services.settings.egressAllow()).toEqual(['mirror.school.example', 'pypi.org']);
      expect(allowlist()).toBe('mirror.school.example\npypi.org\n');
      await second.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
