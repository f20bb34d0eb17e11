import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLog, startRouter, type RunningRouter } from '../../src/ingress/index.js';
import { preparePlatformDirs } from '../../src/lib/platform-dirs.js';
import { eventually } from '../helpers/eventually.js';
import { PEBBLE_INSTALLED, startPebble, type Pebble } from '../helpers/pebble.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// The app as production builds it with PYHOST_ACME_DIRECTORY set: its own
// renewer certifies the dashboard at start-up, and the router serves the
// dashboard over HTTPS with that certificate, which verifies against
// pebble's root.

const DOMAIN = 'dash.pyhost.test';

describe.skipIf(!PEBBLE_INSTALLED)('the app with ACME on', () => {
  let dataDir: string;
  let router: RunningRouter;
  let pebble: Pebble;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-acme-app-'));
    const env = { PYHOST_DATA: dataDir, PYHOST_DOMAIN: DOMAIN, PYHOST_HOST: '127.0.0.1' };
    // The router first (in the folders the api would lay out): pebble must be told its HTTP port.
    const config = loadConfig(env);
    preparePlatformDirs(dataDir, config.ingressUid);
    router = await startRouter(config, silentLog, { port: 0, httpsPort: 0, accessLog: { flushMs: 20 } });
    pebble = await startPebble({ httpPort: router.port });
    t = await createTestApp({ ...env, PYHOST_ACME_DIRECTORY: pebble.directory, PYHOST_ACME_EMAIL: 'admin@pyhost.test', PYHOST_ACME_CA_BUNDLE: pebble.caFile });
    await t.app.listen({ path: t.config.apiSocket });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await router?.close();
    await pebble?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('certifies the dashboard at start-up, and the router serves it over HTTPS', async () => {
    expect(t.app.services.renewer).not.toBeNull();
    await eventually(() => expect(t.app.services.certificates.describe(DOMAIN)?.not_after).toBeTruthy(), { timeoutMs: 60_000, what: 'the dashboard\'s certificate' });
    expect(t.app.services.certificates.describe(DOMAIN)).toMatchObject({ source: 'acme', names: [DOMAIN], last_error: null });
    const root = await pebble.root();
    const status = await eventually(() => new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: router.httpsPort!, servername: DOMAIN, path: '/api/health', headers: { host: DOMAIN }, ca: root, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    }), { timeoutMs: 20_000, what: 'an HTTPS answer verified against pebble\'s root' });
    expect(status).toBe(200);
  });
});
