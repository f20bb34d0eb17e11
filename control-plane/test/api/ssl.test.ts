import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTlsIndex, tlsIndexFile } from '../../src/domain/tls-store.js';
import { createUploadCerts, type UploadCerts } from '../helpers/upload-certs.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * The ssl/ endpoints as pythonanywhere-core calls them: Webapp.set_ssl
 * (POST json={"cert", "private_key"}), Webapp.get_ssl_info (GET, reads
 * not_after), Website.auto_ssl (POST json={"cert_type": "letsencrypt-auto-renew"}),
 * on a real SQLite file and the real certificate store under PYHOST_DATA/tls.
 */
describe('HTTPS certificates through the API (ssl/)', () => {
  let t: TestApp;
  let me: TestUser;
  let ca: UploadCerts;
  const domain = 'www.example.org';
  const sslUrl = () => `/api/v0/user/${me.username}/webapps/${domain}/ssl/`;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, token = me.token) =>
    t.app.inject({ method, url, headers: asToken(token), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_HTTPS_PORT: '8443' });
    // www.example.org is a custom domain: the admin allows them.
    await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(await adminToken(t.app)), payload: { custom_domains: true } });
    me = await createUser(t.app);
    ca = createUploadCerts();
    const created = await call('POST', `/api/v0/user/${me.username}/webapps/`, { domain_name: domain, python_version: 'python311' });
    expect(created.statusCode, created.body).toBe(201);
  });
  afterAll(async () => {
    ca.close();
    await t.close();
  });

  it('uploads a certificate, shows it as get_ssl_info reads it, and deletes it', async () => {
    const siteUrl = async () => (await call('GET', `/api/v0/user/${me.username}/webapps/${domain}/`)).json().url;
    expect(await siteUrl()).toBe(`http://${domain}:8080/`);
    const leaf = ca.leaf([domain, 'example.org']);
    const set = await call('POST', sslUrl(), { cert: leaf.cert + ca.intermediate, private_key: leaf.key });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ status: 'OK' });

    const got = await call('GET', sslUrl());
    expect(got.statusCode, got.body).toBe(200);
    const info = got.json();
    expect(info).toMatchObject({ cert_type: 'manual', issuer_name: 'Upload Test Intermediate', domains: [domain, 'example.org'], subject_alternate_names: [domain, 'example.org'], last_error: null });
    expect(Date.parse(info.not_after)).toBeGreaterThan(Date.now());
    // With a certificate in, the web app's address is its HTTPS one.
    expect(await siteUrl()).toBe(`https://${domain}:8443/`);

    // The router's side: the certificate is in the index, its file holds the key and then the chain.
    const index = parseTlsIndex(fs.readFileSync(tlsIndexFile(t.dataDir), 'utf8'));
    const entry = index.certificates.find((c) => c.names.includes(domain))!;
    expect(entry.not_after).toBe(info.not_after);
    const pem = fs.readFileSync(path.join(t.dataDir, 'tls', entry.file), 'utf8');
    expect(pem.indexOf('PRIVATE KEY')).toBeLessThan(pem.indexOf('BEGIN CERTIFICATE'));
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    const deleted = await call('DELETE', sslUrl());
    expect(deleted.statusCode).toBe(204);
    expect((await call('GET', sslUrl())).statusCode).toBe(404);
    expect(await siteUrl()).toBe(`http://${domain}:8080/`);
    expect(parseTlsIndex(fs.readFileSync(tlsIndexFile(t.dataDir), 'utf8')).certificates.some((c) => c.names.includes(domain))).toBe(false);
    expect(fs.existsSync(path.join(t.dataDir, 'tls', entry.file))).toBe(false);
    expect((await call('DELETE', sslUrl())).statusCode).toBe(404);
  });

  it('takes a form-encoded upload too', async () => {
    const leaf = ca.leaf([domain]);
    const body = new URLSearchParams({ cert: leaf.cert + ca.intermediate, private_key: leaf.key }).toString();
    const set = await t.app.inject({ method: 'POST', url: sslUrl(), headers: { ...asToken(me.token), 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    expect(set.statusCode, set.body).toBe(200);
    expect((await call('DELETE', sslUrl())).statusCode).toBe(204);
  });

  it('refuses a wrong key, a wrong name, an incomplete chain and what is not PEM, each with its reason', async () => {
    const good = ca.leaf([domain]);
    const other = ca.leaf(['shop.example.org']);
    const cases: [object, string, RegExp][] = [
      [{ cert: good.cert + ca.intermediate, private_key: ca.otherKey }, 'private_key', /the private key does not match the certificate for "www\.example\.org"/],
      [{ cert: other.cert + ca.intermediate, private_key: other.key }, 'cert', /the certificate is for shop\.example\.org, not www\.example\.org/],
      [{ cert: good.cert, private_key: good.key }, 'cert', /the chain is incomplete: .*append the intermediate certificates/],
      [{ cert: 'not a certificate', private_key: good.key }, 'cert', /cert is not a PEM certificate/],
      [{ cert: good.cert + ca.intermediate }, 'private_key', /private_key is required/],
      [{ private_key: good.key }, 'cert', /cert is required/],
      [{ cert: good.cert, private_key: good.key, cert_type: 'letsencrypt-auto-renew' }, 'cert_type', /either cert_type or cert and private_key/],
    ];
    for (const [body, field, detail] of cases) {
      const r = await call('POST', sslUrl(), body);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().field).toBe(field);
      expect(r.json().detail).toMatch(detail);
    }
    expect((await call('GET', sslUrl())).statusCode).toBe(404);
  });

  it('refuses an expired certificate, saying when it expired', async () => {
    const leaf = ca.expiredLeaf([domain]);
    const r = await call('POST', sslUrl(), { cert: leaf.cert + ca.intermediate, private_key: leaf.key });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json()).toMatchObject({ field: 'cert', detail: 'the certificate expired on 2020-02-01; renew it with your CA and upload the new one' });
  });

  it('refuses letsencrypt-auto-renew where the instance has no ACME, saying who can turn it on', async () => {
    const r = await call('POST', sslUrl(), { cert_type: 'letsencrypt-auto-renew' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'cert_type' });
    expect(r.json().detail).toContain('PYHOST_ACME_DIRECTORY');
  });

  it("deleting the web app deletes its uploaded certificate", async () => {
    const domain2 = 'shop.example.org';
    const owner = await createUser(t.app);
    // The account's one custom domain is its own; another user makes this one.
    expect((await call('POST', `/api/v0/user/${owner.username}/webapps/`, { domain_name: domain2, python_version: 'python311' }, owner.token)).statusCode).toBe(201);
    const leaf = ca.leaf([domain2]);
    const url = `/api/v0/user/${owner.username}/webapps/${domain2}/ssl/`;
    expect((await call('POST', url, { cert: leaf.cert + ca.intermediate, private_key: leaf.key }, owner.token)).statusCode).toBe(200);
    const listed = () => parseTlsIndex(fs.readFileSync(tlsIndexFile(t.dataDir), 'utf8')).certificates.some((c) => c.names.includes(domain2));
    expect(listed()).toBe(true);
    expect((await call('DELETE', `/api/v0/user/${owner.username}/webapps/${domain2}/`, undefined, owner.token)).statusCode).toBe(204);
    expect(listed()).toBe(false);
    expect(t.app.stores.certificates.all().some((r) => r.names.includes(domain2))).toBe(false);
  });

  it("answers 404 for another user's web app, whatever the body", async () => {
    const stranger = await createUser(t.app);
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const r = await call(method, sslUrl(), method === 'POST' ? { cert: 'x' } : undefined, stranger.token);
      expect(r.statusCode).toBe(404);
    }
  });
});
