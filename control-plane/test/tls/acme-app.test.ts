import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLog, startRouter, type RunningRouter } from '../../src/ingress/index.js';
import { preparePlatformDirs } from '../../src/lib/platform-dirs.js';
import { renewalTime } from '../../src/domain/renewal-policy.js';
import { eventually } from '../helpers/eventually.js';
import { PEBBLE_INSTALLED, startPebble, type Pebble } from '../helpers/pebble.js';
import { asToken, createTestApp, createUser, type TestApp } from '../helpers/test-app.js';

// The app as production builds it with PYHOST_ACME_DIRECTORY set: its own
// renewer certifies the dashboard at start-up, and the router serves the
// dashboard over HTTPS with that certificate, which verifies against
// pebble's root; a renewal (the app's clock moved to its time) swaps it
// while clients keep making new connections.

const DOMAIN = 'dash.pyhost.test';

describe.skipIf(!PEBBLE_INSTALLED)('the app with ACME on', () => {
  let dataDir: string;
  let router: RunningRouter;
  let pebble: Pebble;
  let t: TestApp;
  let root: string;
  /** The app's clock runs this far ahead (to reach a renewal time). */
  let skewMs = 0;

  /** One request on a new connection (a full handshake), verified against pebble's root: its status and the certificate's serial. */
  const get = () => new Promise<{ status: number; serial: string }>((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port: router.httpsPort!, servername: DOMAIN, path: '/api/health', headers: { host: DOMAIN }, ca: root, agent: false, timeout: 10_000 }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, serial }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-acme-app-'));
    const env = { PYHOST_DATA: dataDir, PYHOST_DOMAIN: DOMAIN, PYHOST_HOST: '127.0.0.1' };
    // The router first (in the folders the api would lay out): pebble must be told its HTTP port.
    const config = loadConfig(env);
    preparePlatformDirs(dataDir, config.ingressUid);
    router = await startRouter(config, silentLog, { port: 0, httpsPort: 0, accessLog: { flushMs: 20 } });
    pebble = await startPebble({ httpPort: router.port });
    t = await createTestApp(
      { ...env, PYHOST_ACME_DIRECTORY: pebble.directory, PYHOST_ACME_EMAIL: 'admin@pyhost.test', PYHOST_ACME_CA_BUNDLE: pebble.caFile },
      { clock: () => Date.now() + skewMs },
    );
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
    root = await pebble.root();
    const first = await eventually(get, { timeoutMs: 20_000, what: 'an HTTPS answer verified against pebble\'s root' });
    expect(first.status).toBe(200);
  });

  it('renews under 20 clients making new HTTPS connections, with no request failing', async () => {
    const before = (await get()).serial;
    let stop = false;
    const failures: string[] = [];
    const serials: string[] = [];
    const client = async () => {
      while (!stop) {
        const res = await get().catch((err: Error) => ({ status: 0, serial: err.message }));
        if (res.status === 200) serials.push(res.serial);
        else failures.push(`${res.status} ${res.serial}`);
      }
    };
    const clients = Array.from({ length: 20 }, client);
    try {
      await eventually(() => expect(serials.length).toBeGreaterThan(50), { timeoutMs: 20_000 });
      const r = t.app.stores.certificates.byId('dashboard')!;
      skewMs = renewalTime(r.not_before!, r.not_after!) - Date.now() + 1000;
      t.app.services.renewer!.kick();
      await eventually(() => expect(serials.filter((s) => s !== before).length).toBeGreaterThan(50), { timeoutMs: 60_000, what: 'the renewed certificate served' });
    } finally {
      stop = true;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    expect(serials).toContain(before);
    expect(t.app.stores.certificates.byId('dashboard')).toMatchObject({ last_error: null, failures: 0 });
  });

  it('certifies a web app soon after it is created, without waiting for the minute\'s pass', async () => {
    const user = await createUser(t.app);
    const domain = `${user.username}.${DOMAIN}`;
    const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } });
    expect(res.statusCode, res.body).toBe(201);
    await eventually(() => expect(t.app.services.certificates.describe(domain)?.not_after).toBeTruthy(), { timeoutMs: 30_000, what: 'the new web app\'s certificate' });
  });

  it('with the CA down at renewal time: the old certificate is still served and the error is visible', async () => {
    const before = await get();
    await pebble.stopCa();
    try {
      const r = t.app.stores.certificates.byId('dashboard')!;
      skewMs = renewalTime(r.not_before!, r.not_after!) - Date.now() + 1000;
      t.app.services.renewer!.kick();
      await eventually(() => expect(t.app.services.certificates.describe(DOMAIN)?.last_error).toMatch(/could not reach the certificate authority/), { timeoutMs: 30_000 });
      expect(t.app.stores.certificates.byId('dashboard')!.failures).toBeGreaterThanOrEqual(1);
      expect(await get()).toEqual(before);
    } finally {
      await pebble.startCa();
    }
  });
});
