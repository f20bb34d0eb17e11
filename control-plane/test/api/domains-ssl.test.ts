import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUploadCerts, type UploadCerts } from '../helpers/upload-certs.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * v1's domains/ as PythonAnywhere's help page and pythonanywhere-core's
 * Website.auto_ssl use it: POST domains/{domain}/ssl/ json={"cert_type":
 * "letsencrypt-auto-renew"} answers {"status": "OK"}. ACME is on (a
 * directory nothing answers: no order completes here; test/tls/ issues for real).
 */
describe('v1 domains/ and domains/{domain}/ssl/', () => {
  let t: TestApp;
  let me: TestUser;
  let ca: UploadCerts;
  let site: string;
  const base = () => `/api/v1/user/${me.username}/`;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, token = me.token) =>
    t.app.inject({ method, url, headers: asToken(token), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp({ PYHOST_ACME_DIRECTORY: 'https://127.0.0.1:9/directory', PYHOST_ACME_EMAIL: 'admin@example.org' });
    await t.app.inject({ method: 'PATCH', url: '/api/admin/settings', headers: asToken(await adminToken(t.app)), payload: { custom_domains: true } });
    me = await createUser(t.app);
    ca = createUploadCerts();
    site = `asgi.${me.username}.localhost`;
    const w = await call('POST', `${base()}websites/`, { domain_name: site, enabled: true, webapp: { command: 'python3 server.py' } });
    expect(w.statusCode, w.body).toBe(201);
    const a = await call('POST', `/api/v0/user/${me.username}/webapps/`, { domain_name: 'www.example.org', python_version: 'python311' });
    expect(a.statusCode, a.body).toBe(201);
  });
  afterAll(async () => {
    ca.close();
    await t.close();
  });

  it("lists the user's domains: each website's and web app's", async () => {
    const r = await call('GET', `${base()}domains/`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual([
      { domain_name: site, enabled: true, kind: 'website' },
      { domain_name: 'www.example.org', enabled: true, kind: 'webapp' },
    ]);
    expect((await call('GET', `${base()}domains/${site}/`)).json()).toEqual({ domain_name: site, enabled: true, kind: 'website' });
  });

  it('auto_ssl answers {"status": "OK"} and takes the uploaded certificate away', async () => {
    const leaf = ca.leaf(['www.example.org']);
    const url = `${base()}domains/www.example.org/ssl/`;
    expect((await call('POST', url, { cert: leaf.cert + ca.intermediate, private_key: leaf.key })).statusCode).toBe(200);
    expect((await call('GET', url)).json()).toMatchObject({ cert_type: 'manual', issuer_name: 'Upload Test Intermediate' });
    const auto = await call('POST', url, { cert_type: 'letsencrypt-auto-renew' });
    expect(auto.statusCode, auto.body).toBe(200);
    expect(auto.json()).toEqual({ status: 'OK' });
    const after = await call('GET', url);
    // Until the renewer's order completes there is no certificate, or one still waiting (not_after null).
    if (after.statusCode === 200) expect(after.json()).toMatchObject({ cert_type: 'letsencrypt-auto-renew', not_after: null });
    else expect(after.statusCode).toBe(404);
  });

  it('checks an upload for a website as for a web app', async () => {
    const wrong = ca.leaf(['www.example.org']);
    const r = await call('POST', `${base()}domains/${site}/ssl/`, { cert: wrong.cert + ca.intermediate, private_key: wrong.key });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ field: 'cert' });
    expect(r.json().detail).toContain(`the certificate is for www.example.org, not ${site}`);
  });

  it("answers 404 for a domain that is not the user's, before reading the body", async () => {
    const stranger = await createUser(t.app);
    expect((await call('GET', `${base()}domains/${site}/`, undefined, stranger.token)).statusCode).toBe(404);
    expect((await call('POST', `/api/v1/user/${stranger.username}/domains/${site}/ssl/`, { bogus: 1 }, stranger.token)).statusCode).toBe(404);
    expect((await call('GET', `${base()}domains/nothing.example.org/ssl/`)).statusCode).toBe(404);
  });
});
