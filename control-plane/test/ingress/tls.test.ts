import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter, silentLog, type RunningRouter } from '../../src/ingress/index.js';
import { ADMIN, asToken, createTestApp, createUser, type TestApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';
import { createTestCa, writeChallenge, writeTlsStore, type StoredCertificate, type TestCa } from '../helpers/test-certs.js';
import { routerRequest } from './router-fixture.js';

// The real router (in this process) with HTTPS on, in front of the real api
// (a fake container engine): certificates made with openssl by a test CA,
// written in the store's layout, read by the router as in production.

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The serial number of the certificate the router presented. */
  serial: string;
  reused: boolean;
}

describe('HTTPS in the router', () => {
  let t: TestApp;
  let router: RunningRouter;
  let ca: TestCa;
  let dash: StoredCertificate;
  let other: StoredCertificate;
  let wild: StoredCertificate;

  const get = (servername: string, path: string, options: { method?: string; body?: string; headers?: Record<string, string>; agent?: https.Agent } = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1', port: router.httpsPort!, servername, path, method: options.method ?? 'GET', ca: ca.cert,
          headers: { host: servername, ...options.headers }, agent: options.agent ?? false,
        },
        (res) => {
          const socket = res.socket as tls.TLSSocket;
          const serial = socket.getPeerCertificate().serialNumber;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), serial, reused: req.reusedSocket }));
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });

  /** A bare TLS handshake; resolves with the socket (the caller ends it). */
  const handshake = (options: tls.ConnectionOptions) =>
    new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: router.httpsPort!, ca: ca.cert, ...options }, () => resolve(socket));
      socket.on('error', reject);
    });

  const serialOf = (c: StoredCertificate) => new crypto.X509Certificate(c.cert).serialNumber;

  beforeAll(async () => {
    ca = createTestCa();
    const make = (id: string, names: string[]): StoredCertificate => ({ id, names, ...ca.leaf(names) });
    dash = make('dashboard', ['localhost', 'www.localhost']);
    other = make('other', ['other.test']);
    wild = make('wild', ['*.apps.test']);
    t = await createTestApp();
    writeTlsStore(t.dataDir, 1, [dash, other, wild]);
    await t.app.listen({ path: t.config.apiSocket });
    router = await startRouter(t.config, silentLog, { port: 0, httpsPort: 0 });
    await eventually(() => expect(router.apiLinks.pool.size).toBeGreaterThan(0), { intervalMs: 20 });
  });
  afterAll(async () => {
    await router?.close();
    await t?.close();
    ca?.close();
  });

  it('serves the dashboard over HTTPS with a certificate the CA vouches for', async () => {
    const res = await get('localhost', '/api/health');
    expect(res.status, res.body).toBe(200);
    expect(res.serial).toBe(serialOf(dash));
  });

  it('picks the certificate by SNI: exact names, a one-level wildcard, and the dashboard’s for anything else', async () => {
    expect((await get('other.test', '/')).serial).toBe(serialOf(other));
    expect((await get('www.apps.test', '/')).serial).toBe(serialOf(wild));
    for (const servername of ['a.b.apps.test', 'unknown.test']) {
      const socket = await handshake({ servername, rejectUnauthorized: false });
      expect(socket.getPeerCertificate().serialNumber, servername).toBe(serialOf(dash));
      socket.end();
    }
    // No SNI at all (an IP address): the default certificate.
    const bare = await handshake({ rejectUnauthorized: false });
    expect(bare.getPeerCertificate().serialNumber).toBe(serialOf(dash));
    bare.end();
  });

  it('speaks TLS 1.2 and 1.3 and refuses TLS 1.1 in the handshake', async () => {
    const v12 = await handshake({ servername: 'localhost', maxVersion: 'TLSv1.2' });
    expect(v12.getProtocol()).toBe('TLSv1.2');
    expect(v12.getCipher().name).toMatch(/^ECDHE-ECDSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)$/);
    v12.end();
    const v13 = await handshake({ servername: 'localhost' });
    expect(v13.getProtocol()).toBe('TLSv1.3');
    v13.end();
    // The client allows TLS 1.1 (security level 0): the refusal is the router's alert.
    await expect(handshake({ servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }))
      .rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it('resumes a session with its ticket', async () => {
    const first = await handshake({ servername: 'localhost', maxVersion: 'TLSv1.2' });
    const session = first.getSession();
    first.end();
    expect(session).toBeDefined();
    const again = await handshake({ servername: 'localhost', maxVersion: 'TLSv1.2', session });
    expect(again.isSessionReused()).toBe(true);
    again.end();
  });

  it('serves a certificate swapped in index.json to new connections; a kept-alive connection keeps working', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await get('other.test', '/', { agent });
      expect(before.serial).toBe(serialOf(other));
      const renewed: StoredCertificate = { id: 'other-2', names: ['other.test'], ...ca.leaf(['other.test']) };
      writeTlsStore(t.dataDir, 2, [dash, renewed, wild]);
      await eventually(async () => expect((await get('other.test', '/')).serial).toBe(serialOf(renewed)), { intervalMs: 50 });
      const kept = await get('other.test', '/', { agent });
      expect(kept.reused).toBe(true);
      expect(kept.serial).toBe(serialOf(other));
      expect(kept.status).toBe(404); // the router's own page for a host nobody serves: the request went through
    } finally {
      agent.destroy();
      writeTlsStore(t.dataDir, 3, [dash, other, wild]);
    }
  });

  it('marks the dashboard’s cookies Secure and __Host-, and sends HSTS, over HTTPS only', async () => {
    const login = JSON.stringify({ username: ADMIN.username, password: ADMIN.password });
    const headers = { 'content-type': 'application/json' };
    const secure = await get('localhost', '/api/auth/login', { method: 'POST', body: login, headers });
    expect(secure.status, secure.body).toBe(200);
    const cookies = secure.headers['set-cookie'] ?? [];
    const session = cookies.find((c) => c.startsWith('__Host-pyhost_session='));
    expect(session, cookies.join('\n')).toBeDefined();
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/Domain=/i);
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000');

    const plain = await routerRequest(router.port, 'localhost', '/api/auth/login', { method: 'POST', body: login, headers });
    expect(plain.status, plain.body).toBe(200);
    expect((plain.headers['set-cookie'] ?? []).find((c) => c.startsWith('pyhost_session='))).not.toMatch(/Secure/);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers an ACME HTTP-01 challenge on plain HTTP for any host, and leaves other tokens to the apps', async () => {
    writeChallenge(t.dataDir, 'tok_EN-1', 'tok_EN-1.thumbprint\n');
    for (const host of ['localhost', 'anything.example.org']) {
      const res = await routerRequest(router.port, host, '/.well-known/acme-challenge/tok_EN-1');
      expect(res.status, host).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain');
      expect(res.body).toBe('tok_EN-1.thumbprint');
    }
    expect((await routerRequest(router.port, 'anything.example.org', '/.well-known/acme-challenge/missing')).status).toBe(404);
    expect((await routerRequest(router.port, 'anything.example.org', '/.well-known/acme-challenge/..%2Findex.json')).status).toBe(404);
  });

  it('redirects a force_https web app to the HTTPS port', async () => {
    const user = await createUser(t.app);
    const domain = `${user.username}.localhost`;
    const base = `/api/v0/user/${user.username}/webapps/`;
    const created = await t.app.inject({ method: 'POST', url: base, headers: asToken(user.token), payload: { domain_name: domain } });
    expect(created.statusCode, created.body).toBe(201);
    const patched = await t.app.inject({ method: 'PATCH', url: `${base}${domain}/`, headers: asToken(user.token), payload: { force_https: true } });
    expect(patched.statusCode, patched.body).toBe(200);
    const res = await eventually(async () => {
      const r = await routerRequest(router.port, domain, '/page?x=1');
      expect(r.status).toBe(301);
      return r;
    }, { intervalMs: 50 });
    expect(res.headers.location).toBe(`https://${domain}:${router.httpsPort}/page?x=1`);
  });

  it('adds Strict-Transport-Security to the answers of a web app with hsts_enabled, over HTTPS only', async () => {
    const user = await createUser(t.app);
    const base = `/api/v0/user/${user.username}/webapps/`;
    const [strict, lax] = [`${user.username}.localhost`, `lax.${user.username}.localhost`];
    const apps: StoredCertificate = { id: 'apps', names: [strict, lax], ...ca.leaf([strict, lax]) };
    writeTlsStore(t.dataDir, 4, [dash, other, wild, apps]);
    for (const domain of [strict, lax]) {
      const created = await t.app.inject({ method: 'POST', url: base, headers: asToken(user.token), payload: { domain_name: domain } });
      expect(created.statusCode, created.body).toBe(201);
    }
    const patched = await t.app.inject({ method: 'PATCH', url: `${base}${strict}/`, headers: asToken(user.token), payload: { hsts_enabled: true } });
    expect(patched.statusCode, patched.body).toBe(200);

    const secure = await eventually(async () => {
      const r = await get(strict, '/');
      expect(r.status, r.body).toBe(200);
      expect(r.serial).toBe(serialOf(apps));
      expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
      return r;
    }, { intervalMs: 50 });
    expect(secure.body).toBe(`hello from ${strict} g1`);
    const off = await get(lax, '/');
    expect(off.status, off.body).toBe(200);
    expect(off.headers['strict-transport-security']).toBeUndefined();
    // RFC 6797: a host must not send it over plain HTTP.
    const plain = await routerRequest(router.port, strict, '/');
    expect(plain.status, plain.body).toBe(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });
});
