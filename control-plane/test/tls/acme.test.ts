import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog, startRouter, type RunningRouter } from '../../src/ingress/index.js';
import { parseTlsIndex, tlsChallengesDir, tlsIndexFile } from '../../src/domain/tls-store.js';
import { renewalTime } from '../../src/domain/renewal-policy.js';
import { CertificateService } from '../../src/services/tls/certificate-service.js';
import { Renewer } from '../../src/services/tls/renewer.js';
import { acmeAccountKeyFile } from '../../src/services/tls/tls-files.js';
import { eventually } from '../helpers/eventually.js';
import { PEBBLE_INSTALLED, startPebble, type Pebble } from '../helpers/pebble.js';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

// Real ACME against Let's Encrypt's test CA (pebble, on loopback): the
// renewer orders certificates for the dashboard and two web apps, pebble
// fetches each HTTP-01 challenge through the real router (its DNS server
// sends every name to 127.0.0.1, its validation to the router's port), and
// the certificates land in PYHOST_DATA/tls. The renewer's clock is moved
// forward to reach renewal times (the certificates are an hour long).

const DOMAIN = 'pyhost.test';

describe.skipIf(!PEBBLE_INSTALLED)('automatic certificates (ACME HTTP-01 with pebble)', () => {
  let t: TestApp;
  let router: RunningRouter;
  let pebble: Pebble;
  let user: TestUser;
  let apps: string[];
  let certs: CertificateService;
  let renewer: Renewer;
  let skewMs = 0;

  const rows = () => t.app.stores.certificates.all();
  const row = (id: string) => t.app.stores.certificates.byId(id)!;
  const index = () => parseTlsIndex(fs.readFileSync(tlsIndexFile(t.dataDir), 'utf8'));
  const pem = (id: string) => fs.readFileSync(path.join(t.dataDir, 'tls', 'certs', `${id}.pem`), 'utf8');
  /** From the start of the failed attempt to the next one. */
  const waitOf = (r: { next_attempt_at: string | null; last_attempt_at: string | null }) => Date.parse(r.next_attempt_at!) - Date.parse(r.last_attempt_at!);
  /** Moves the renewer's clock to `id`'s renewal time. */
  const toRenewalOf = (id: string) => {
    const r = row(id);
    skewMs = Math.max(skewMs, renewalTime(r.not_before!, r.not_after!) - Date.now() + 1000);
  };

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_DOMAIN: DOMAIN, PYHOST_HOST: '127.0.0.1' });
    router = await startRouter(t.config, silentLog, { port: 0, accessLog: { flushMs: 20 } });
    pebble = await startPebble({ httpPort: router.port, validitySeconds: 3600 });
    user = await createUser(t.app);
    apps = [`${user.username}.${DOMAIN}`, `blog.${user.username}.${DOMAIN}`];
    for (const domain of apps) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } });
      expect(res.statusCode, res.body).toBe(201);
    }
    certs = new CertificateService(t.dataDir, t.config.ingressUid, t.app.stores.certificates);
    renewer = new Renewer({
      settings: { directory: pebble.directory, email: 'admin@pyhost.test', caBundle: pebble.caFile },
      dashboardDomain: DOMAIN,
      certificates: certs,
      store: t.app.stores.certificates,
      routes: () => t.app.stores.routeRows.snapshot(),
      log: t.app.log,
      clock: () => Date.now() + skewMs,
      backoff: { minMs: 60_000, maxMs: 240_000 },
      pollMs: 100,
      tickMs: 200,
    });
  }, 120_000);

  afterAll(async () => {
    await renewer?.stop();
    await pebble?.close();
    await router?.close();
    await t?.close();
  });

  it('obtains the dashboard\'s and each web app\'s certificate by HTTP-01 through the router', async () => {
    renewer.start();
    await eventually(() => expect(rows().filter((r) => r.not_after !== null).map((r) => r.id).sort()).toHaveLength(3), { timeoutMs: 60_000, what: 'three certificates' });
    await renewer.stop();

    const byId = Object.fromEntries(rows().map((r) => [r.id, r]));
    expect(JSON.parse(byId.dashboard!.names)).toEqual([DOMAIN]);
    const appNames = rows().filter((r) => r.owner.startsWith('webapp:')).map((r) => JSON.parse(r.names)[0]).sort();
    expect(appNames).toEqual([...apps].sort());
    for (const r of rows()) {
      expect(r).toMatchObject({ source: 'acme', last_error: null, failures: 0 });
      expect(r.issuer).toMatch(/Pebble Intermediate/);
    }
    expect(index().certificates.map((c) => c.id).sort()).toEqual(rows().map((r) => r.id).sort());
    expect(fs.readdirSync(tlsChallengesDir(t.dataDir))).toEqual([]);
    // Modes: the router's group reads the certificates; the account key is root's alone.
    expect(fs.statSync(tlsIndexFile(t.dataDir)).mode & 0o777).toBe(0o640);
    expect(fs.statSync(path.join(t.dataDir, 'tls', 'certs', 'dashboard.pem')).mode & 0o777).toBe(0o640);
    expect(fs.statSync(acmeAccountKeyFile(t.dataDir)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(acmeAccountKeyFile(t.dataDir))).mode & 0o777).toBe(0o700);
  });

  it('stores certificates that a TLS client verifies against pebble\'s root, for their names', async () => {
    const root = await pebble.root();
    for (const r of rows()) {
      const name = JSON.parse(r.names)[0] as string;
      const file = pem(r.id);
      const server = tls.createServer({ key: file, cert: file });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as { port: number }).port;
        const authorized = await new Promise<boolean>((resolve, reject) => {
          const socket = tls.connect({ host: '127.0.0.1', port, servername: name, ca: root }, () => {
            resolve(socket.authorized);
            socket.end();
          });
          socket.on('error', reject);
        });
        expect(authorized, name).toBe(true);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('renews at two thirds of the lifetime: the file is replaced and the index version grows', async () => {
    const before = { version: index().version, pem: pem('dashboard'), notAfter: row('dashboard').not_after! };
    await renewer.runOnce();
    expect(pem('dashboard')).toBe(before.pem); // not due yet
    toRenewalOf('dashboard');
    await renewer.runOnce();
    expect(pem('dashboard')).not.toBe(before.pem);
    expect(index().version).toBeGreaterThan(before.version);
    expect(Date.parse(row('dashboard').not_after!)).toBeGreaterThanOrEqual(Date.parse(before.notAfter));
    expect(new crypto.X509Certificate(pem('dashboard')).checkPrivateKey(crypto.createPrivateKey(pem('dashboard')))).toBe(true);
  });

  it('with the CA down: keeps the old certificate, records the error in words, retries with growing backoff', async () => {
    await pebble.stopCa();
    const before = { version: index().version, pem: pem('dashboard') };
    toRenewalOf('dashboard');
    await renewer.runOnce();
    const failed = row('dashboard');
    expect(failed.failures).toBe(1);
    expect(failed.last_error).toMatch(/could not reach the certificate authority at https:\/\/127\.0\.0\.1:\d+\/dir \(ECONNREFUSED\)/);
    expect(waitOf(failed)).toBeGreaterThanOrEqual(60_000);
    expect(waitOf(failed)).toBeLessThan(90_000);
    expect(pem('dashboard')).toBe(before.pem);
    expect(index().certificates.map((c) => c.id)).toContain('dashboard');
    expect(certs.describe(DOMAIN)).toMatchObject({ source: 'acme', last_error: failed.last_error, names: [DOMAIN] });

    // Within the backoff: no new attempt.
    await renewer.runOnce();
    expect(row('dashboard').last_attempt_at).toBe(failed.last_attempt_at);
    skewMs += 91_000;
    await renewer.runOnce();
    const again = row('dashboard');
    expect(again.failures).toBe(2);
    expect(waitOf(again)).toBeGreaterThanOrEqual(120_000);
    expect(waitOf(again)).toBeLessThan(150_000);

    // The CA back: the next try after the backoff installs a new certificate and clears the error.
    await pebble.startCa();
    skewMs += 151_000;
    await renewer.runOnce();
    expect(row('dashboard')).toMatchObject({ last_error: null, failures: 0, next_attempt_at: null });
    expect(pem('dashboard')).not.toBe(before.pem);
    expect(index().version).toBeGreaterThan(before.version);
  });

  it('certifies a new web app, and deletes the certificate of one that is deleted', async () => {
    const domain = `new.${user.username}.${DOMAIN}`;
    const created = await t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/webapps/`, headers: asToken(user.token), payload: { domain_name: domain } });
    expect(created.statusCode, created.body).toBe(201);
    await renewer.runOnce();
    const issued = certs.ofDomain(domain)!;
    expect(issued).toMatchObject({ source: 'acme', last_error: null });
    expect(index().certificates.map((c) => c.id)).toContain(issued.id);

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v0/user/${user.username}/webapps/${domain}/`, headers: asToken(user.token) });
    expect(deleted.statusCode, deleted.body).toBeLessThan(300);
    await renewer.runOnce();
    expect(certs.ofDomain(domain)).toBeUndefined();
    expect(index().certificates.map((c) => c.id)).not.toContain(issued.id);
    expect(fs.existsSync(path.join(t.dataDir, 'tls', 'certs', `${issued.id}.pem`))).toBe(false);
  });
});
