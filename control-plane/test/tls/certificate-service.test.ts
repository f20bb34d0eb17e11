import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import { parseTlsIndex, tlsIndexFile } from '../../src/domain/tls-store.js';
import { CertificatesStore } from '../../src/store/certificates-store.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { CertificateService, covers } from '../../src/services/tls/certificate-service.js';
import { createTestCa, type TestCa } from '../helpers/test-certs.js';

// The certificate store on a real SQLite file and a real folder: what
// install/remove write for the router, and what the Web tab is told.

describe('CertificateService', () => {
  let dir: string;
  let db: Db;
  let ca: TestCa;
  let store: CertificatesStore;
  let service: CertificateService;
  const index = () => parseTlsIndex(fs.readFileSync(tlsIndexFile(dir), 'utf8'));

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-certs-'));
    db = openDatabase(path.join(dir, 'pyhost.db'));
    ca = createTestCa();
    store = new CertificatesStore(db);
    service = new CertificateService(dir, 9999, store);
  });

  afterAll(() => {
    db.close();
    ca.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('installs a certificate: the file (key, then chain), the row, and the index one version up', () => {
    const { key, cert } = ca.leaf(['app.example.org']);
    const row = service.install('webapp-1', ['App.Example.org'], key, `${cert}${ca.cert}`, 'acme', 'webapp:1');
    expect(row).toMatchObject({ id: 'webapp-1', source: 'acme', owner: 'webapp:1', issuer: 'Pyhost test CA', last_error: null, failures: 0 });
    const file = fs.readFileSync(path.join(dir, 'tls', 'certs', 'webapp-1.pem'), 'utf8');
    expect(file.indexOf('PRIVATE KEY')).toBeLessThan(file.indexOf('CERTIFICATE'));
    expect(file).toContain(cert.trim());
    expect(index()).toMatchObject({ version: 1, certificates: [{ id: 'webapp-1', names: ['app.example.org'], file: 'certs/webapp-1.pem', not_after: row.not_after }] });
    expect(fs.statSync(path.join(dir, 'tls', 'certs', 'webapp-1.pem')).mode & 0o777).toBe(0o640);
    expect(fs.statSync(path.join(dir, 'tls')).mode & 0o777).toBe(0o750);
  });

  it('refuses a key that is not the certificate\'s, and a bad id', () => {
    const a = ca.leaf(['a.example.org']);
    const b = ca.leaf(['b.example.org']);
    expect(() => service.install('x', ['a.example.org'], b.key, a.cert, 'upload')).toThrow(/does not match/);
    expect(() => service.install('Not_An_Id', ['a.example.org'], a.key, a.cert, 'upload')).toThrow(ValidationError);
    expect(store.byId('x')).toBeUndefined();
  });

  it('describes a domain\'s certificate for the Web tab, an uploaded one first, wildcards included', () => {
    const { key, cert } = ca.leaf(['*.example.org']);
    service.install('upload-1', ['*.example.org'], key, cert, 'upload', 'webapp:1');
    expect(service.describe('app.example.org')).toMatchObject({ source: 'upload', names: ['*.example.org'], issuer: 'Pyhost test CA', last_error: null });
    expect(service.describe('deep.app.example.org')).toBeNull();
    store.ensure('webapp-2', ['new.example.net'], 'acme', 'webapp:2');
    store.failed('webapp-2', 'the certificate authority refused: no', new Date().toISOString());
    expect(service.describe('new.example.net')).toEqual({ issuer: null, names: ['new.example.net'], not_after: null, source: 'acme', last_error: 'the certificate authority refused: no' });
    expect(index().certificates.map((c) => c.id)).toEqual(['upload-1', 'webapp-1']);
  });

  it('removes a certificate from the index, then its file and row', () => {
    const before = index().version;
    service.remove('upload-1');
    expect(index().version).toBe(before + 1);
    expect(index().certificates.map((c) => c.id)).toEqual(['webapp-1']);
    expect(fs.existsSync(path.join(dir, 'tls', 'certs', 'upload-1.pem'))).toBe(false);
    expect(service.ofDomain('other.example.org')).toBeUndefined();
  });

  it('tells a list of sites which serve HTTPS from one read of the rows, judging expiry at the time given', () => {
    const { key, cert } = ca.leaf(['list.example.org']);
    const row = service.install('webapp-3', ['list.example.org'], key, cert, 'acme', 'webapp:3');
    const reads = vi.spyOn(store, 'all');
    try {
      const servesHttps = service.httpsLookup();
      expect(['list.example.org', 'app.example.org', 'new.example.net', 'other.example.com'].map(servesHttps)).toEqual([true, true, false, false]);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    const expiry = Date.parse(row.not_after!);
    expect(service.httpsLookup(expiry - 1)('list.example.org')).toBe(true);
    expect(service.httpsLookup(expiry)('list.example.org')).toBe(false);
    expect(service.servesHttps('list.example.org', expiry)).toBe(false);
  });

  it.each([
    [['example.org'], 'example.org', true],
    [['*.example.org'], 'a.example.org', true],
    [['*.example.org'], 'example.org', false],
    [['*.example.org'], 'a.b.example.org', false],
    [['a.example.org'], 'A.EXAMPLE.ORG', true],
  ])('%j covers %s: %s', (names, domain, ok) => expect(covers(names, domain)).toBe(ok));
});
