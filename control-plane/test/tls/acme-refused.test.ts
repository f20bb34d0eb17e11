import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsChallengesDir } from '../../src/domain/tls-store.js';
import { Renewer } from '../../src/services/tls/renewer.js';
import { PEBBLE_INSTALLED, startPebble, type Pebble } from '../helpers/pebble.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// A challenge the CA cannot fetch (nothing answers on its HTTP-01 port):
// the order fails, the reason names what the CA said, no certificate is
// listed, the challenge file is gone, and the next try waits.

describe.skipIf(!PEBBLE_INSTALLED)('an ACME order whose challenge the CA cannot fetch', () => {
  let t: TestApp;
  let pebble: Pebble;
  let closedPort: number;

  beforeAll(async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    pebble = await startPebble({ httpPort: closedPort });
    t = await createTestApp({ PYHOST_DOMAIN: 'refused.pyhost.test' });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await pebble?.close();
  });

  it('records the CA\'s reason in words and backs off', async () => {
    const renewer = new Renewer({
      settings: { directory: pebble.directory, email: null, caBundle: pebble.caFile },
      dashboardDomain: 'refused.pyhost.test',
      certificates: t.app.services.certificates,
      store: t.app.stores.certificates,
      routes: () => t.app.stores.routeRows.snapshot(),
      log: t.app.log,
      pollMs: 100,
    });
    await renewer.runOnce();
    const row = t.app.stores.certificates.byId('dashboard')!;
    expect(row).toMatchObject({ not_after: null, failures: 1 });
    expect(row.last_error).toMatch(/^the certificate authority could not fetch the HTTP-01 challenge \(.*refused\.pyhost\.test.*connection refused\); the name's DNS must point at this server and its port 80 be reachable/);
    expect(t.app.services.certificates.describe('refused.pyhost.test')).toMatchObject({ not_after: null, last_error: row.last_error });
    expect(Date.parse(row.next_attempt_at!) - Date.parse(row.last_attempt_at!)).toBeGreaterThanOrEqual(5 * 60_000);
    expect(fs.readdirSync(tlsChallengesDir(t.dataDir))).toEqual([]);
    await renewer.runOnce();
    expect(t.app.stores.certificates.byId('dashboard')!.failures).toBe(1);
  });
});
