import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { test as base, expect } from '../support/fixtures.js';
import { freePort, startInstance, type Instance } from '../support/instance.js';
import { PEBBLE_INSTALLED, startPebble, type Pebble } from '../../control-plane/test/helpers/pebble.js';
import { startTestDns, type TestDns } from '../../control-plane/test/helpers/challtestsrv.js';

// A custom domain from the dashboard to HTTPS (docs/https.md): a user makes
// a web app at www.<them>.example.test, the Web tab tells them which DNS
// record to create and that there is none yet; once the record is in the
// test DNS server the page says DNS points here, the instance's renewer
// gets a certificate from pebble (Let's Encrypt's test CA) through the
// router's HTTP-01 answers, the page shows its issuer and expiry, and the
// site opens over HTTPS with that certificate.
//
// This spec runs an instance of its own (ACME, HTTPS and the DNS server
// are settings of the start-up environment): the suite's instance and the
// other specs are untouched.

interface AcmeSetup {
  instance: Instance;
  httpsPort: number;
  pebble: Pebble;
  /** The DNS server the instance asks (PYHOST_DNS_SERVER), with no record until the test adds one. */
  dns: TestDns;
}

/** Two distinct free ports: the router's HTTP (pebble's HTTP-01 port) and HTTPS. */
async function twoPorts(): Promise<[number, number]> {
  const http = await freePort();
  for (;;) {
    const tls = await freePort();
    if (tls !== http) return [http, tls];
  }
}

const test = base.extend<object, { acme: AcmeSetup }>({
  acme: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
    async ({}, use) => {
      const { PYHOST_E2E_ADMIN_USER: adminUser, PYHOST_E2E_ADMIN_PASSWORD: adminPassword } = process.env;
      if (!adminUser || !adminPassword) throw new Error('PYHOST_E2E_ADMIN_USER is not set: run the suite with `npx playwright test`');
      const [httpPort, httpsPort] = await twoPorts();
      // Pebble validates against 127.0.0.1:<httpPort> (its own DNS answers 127.0.0.1 for every name).
      const pebble = await startPebble({ httpPort });
      const dns = await startTestDns();
      let instance: Instance | null = null;
      try {
        instance = await startInstance({
          PYHOST_PORT: String(httpPort),
          PYHOST_HTTPS_PORT: String(httpsPort),
          PYHOST_ACME_DIRECTORY: pebble.directory,
          PYHOST_ACME_EMAIL: 'admin@pyhost.test',
          PYHOST_ACME_CA_BUNDLE: pebble.caFile,
          PYHOST_DNS_SERVER: dns.server,
          PYHOST_PUBLIC_IP: '127.0.0.1',
          // The suite's admin, so that the `admin` fixture works here too.
          PYHOST_ADMIN_USER: adminUser,
          PYHOST_ADMIN_PASSWORD: adminPassword,
        });
        await use({ instance, httpsPort, pebble, dns });
      } finally {
        await instance?.stop();
        dns.close();
        await pebble.close();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  // Every fixture that talks to Pyhost (createUser, user, admin) goes to this spec's instance.
  dashboardUrl: async ({ acme }, use) => use(`http://localhost:${acme.instance.port}`),
  // Chromium resolves the custom domains to the router, as DNS would.
  launchOptions: [
    async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), '--host-resolver-rules=MAP *.example.test 127.0.0.1'] }),
    { scope: 'worker' },
  ],
});

interface Served {
  status: number;
  body: string;
  /** The leaf certificate's subjectAltName, as Node prints it ("DNS:a, DNS:b"). */
  subjectAltName: string;
}

/**
 * GET / of `domain` over HTTPS from Node, verified against `root` only (not
 * the system's CAs): the chain must lead to it and the leaf name the domain.
 */
function verifiedGet(httpsPort: number, domain: string, root: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port: httpsPort, servername: domain, path: '/', headers: { host: `${domain}:${httpsPort}` }, ca: root, agent: false, timeout: 10_000 },
      (res) => {
        const subjectAltName = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '';
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subjectAltName }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
  });
}

test.skip(!PEBBLE_INSTALLED, 'pebble and pebble-challtestsrv are not installed (/usr/bin/pebble, /usr/bin/pebble-challtestsrv; scripts/ensure-pebble.sh)');

test('add a custom domain in the dashboard, see the DNS instructions, the certificate once issued (pebble), and open the site over HTTPS', async ({ page, browser, user, admin, acme, saveScreenshot }) => {
  // DNS is looked at again at most every 30 s, and then issuance: generous waits on conditions, no sleeps.
  test.setTimeout(300_000);
  const domain = `www.${user.username}.example.test`;
  const section = page.getByRole('region', { name: 'HTTPS' });
  const customDomain = section.getByLabel('Custom domain');
  const certificate = section.getByLabel('Certificate', { exact: true });
  const fact = (term: string) => certificate.locator(`dt:text-is("${term}") + dd`);

  await test.step('an admin allows custom domains', async () => {
    const res = await admin.api.patch('/api/admin/settings', { data: { custom_domains: true } });
    expect(res.status(), await res.text()).toBe(200);
    expect((await res.json()).custom_domains).toBe(true);
  });

  await test.step('create a web app at a custom domain with the wizard', async () => {
    await page.goto('/web/new');
    await expect(page.getByRole('heading', { name: 'Add a new web app' })).toBeVisible();
    await page.getByLabel('Domain name').fill(domain);
    await page.getByRole('radio', { name: /Manual configuration/ }).check();
    await page.getByRole('button', { name: 'Create web app' }).click();
    await expect(page.getByRole('heading', { name: `Configuration for ${domain}` })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Running', { exact: true }).first()).toBeVisible({ timeout: 60_000 });
  });

  await test.step('the Web tab gives the DNS records to create, and says there is none yet', async () => {
    await expect(customDomain).toContainText('waiting for the DNS record');
    await expect(customDomain).toContainText(`${domain} has no DNS record yet`);
    const rows = customDomain.getByRole('row');
    await expect(rows.nth(1).getByRole('cell')).toHaveText(['CNAME', domain, `${user.username}.localhost`]);
    await expect(rows.nth(2).getByRole('cell')).toHaveText(['A', domain, '127.0.0.1']);
    await expect(section.getByText('No certificate yet.')).toBeVisible();
  });

  await test.step('with the CNAME in DNS, the page comes to say DNS points here', async () => {
    await acme.dns.setCname(domain, `${user.username}.localhost`);
    // The page does not poll: a person reloads it. The check runs again within ~30 s
    // (when the page is shown and the last look is older, or in the background).
    await expect(async () => {
      await page.reload();
      await expect(customDomain).toContainText('DNS points here', { timeout: 5_000 });
    }).toPass({ timeout: 90_000, intervals: [2_000, 5_000] });
  });

  await test.step('the certificate is ordered by itself, and the page shows its issuer and expiry', async () => {
    await expect(async () => {
      await page.reload();
      await expect(fact('Issuer')).toHaveText(/Pebble/, { timeout: 5_000 });
    }).toPass({ timeout: 90_000, intervals: [2_000, 5_000] });
    await expect(fact('Kind')).toHaveText('Automatic (renewed by Pyhost)');
    await expect(fact('Names')).toHaveText(domain);
    // Pebble's certificates last 5 years unless told otherwise: an expiry date in the future.
    const expires = await fact('Expires').innerText();
    expect(expires).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(expires)).toBeGreaterThan(Date.now());
    await expect(certificate).not.toContainText('Last renewal error');
    await customDomain.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'custom-domain');
  });

  await test.step("the router serves that certificate: it verifies against pebble's root and names the domain", async () => {
    const root = await acme.pebble.root();
    // The router re-reads the certificate store within 250 ms of the new index.
    let served: Served | null = null;
    await expect(async () => {
      served = await verifiedGet(acme.httpsPort, domain, root);
    }).toPass({ timeout: 20_000, intervals: [250, 500, 1_000] });
    expect(served!.subjectAltName.split(', ')).toContain(`DNS:${domain}`);
    expect(served!.status).toBe(200);
    expect(served!.body).toContain('Hello, World!');
  });

  await test.step('the site opens over HTTPS in the browser with its own content', async () => {
    // Chromium has no way to be given pebble's root here; Node checked the chain above.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      // The Web tab gives the site's address as https:// once its certificate is in.
      const url = `https://${domain}:${acme.httpsPort}/`;
      await expect(page.getByRole('link', { name: url })).toHaveAttribute('href', url);
      const site = await context.newPage();
      const res = await site.goto(url);
      expect(res?.status()).toBe(200);
      expect(site.url()).toBe(url);
      await expect(site).toHaveTitle('Hello from Pyhost');
      await expect(site.getByRole('heading', { name: 'Hello, World!' })).toBeVisible();
    } finally {
      await context.close();
    }
  });
});
