import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUploadedCertificate } from '../../src/domain/certificate-check.js';
import { ValidationError } from '../../src/domain/errors.js';
import { createUploadCerts, type UploadCerts } from '../helpers/upload-certs.js';

const DAY = 86_400_000;
let ca: UploadCerts;
let www: { key: string; cert: string };
let wildcard: { key: string; cert: string };

beforeAll(() => {
  ca = createUploadCerts();
  www = ca.leaf(['www.example.org', 'example.org']);
  wildcard = ca.leaf(['*.example.net']);
});
afterAll(() => ca.close());

function refusal(cert: string, key: string, domain: string, now = Date.now()): ValidationError {
  try {
    checkUploadedCertificate(cert, key, domain, now);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('accepted');
}

describe('checkUploadedCertificate', () => {
  it('accepts a leaf with its intermediate, and one with the root too', () => {
    const ok = checkUploadedCertificate(www.cert + ca.intermediate, www.key, 'www.example.org', Date.now());
    expect(ok.names).toEqual(['www.example.org', 'example.org']);
    expect(ok.issuer).toBe('Upload Test Intermediate');
    expect(ok.subject).toBe('www.example.org');
    expect(Date.parse(ok.notAfter)).toBeGreaterThan(Date.now() + 9 * DAY);
    expect(ok.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(ok.keyPem).toContain('BEGIN PRIVATE KEY');
    expect(() => checkUploadedCertificate(www.cert + ca.intermediate + ca.root, www.key, 'example.org', Date.now())).not.toThrow();
  });

  it('takes a one-level wildcard for a name one label under it, and no deeper', () => {
    expect(() => checkUploadedCertificate(wildcard.cert + ca.intermediate, wildcard.key, 'shop.example.net', Date.now())).not.toThrow();
    const deep = refusal(wildcard.cert + ca.intermediate, wildcard.key, 'a.shop.example.net');
    expect(deep.field).toBe('cert');
    expect(deep.message).toContain('is for *.example.net, not a.shop.example.net');
    expect(refusal(wildcard.cert + ca.intermediate, wildcard.key, 'example.net').message).toContain('not example.net');
  });

  it('refuses a key that does not match, saying so', () => {
    const e = refusal(www.cert + ca.intermediate, ca.otherKey, 'www.example.org');
    expect(e.field).toBe('private_key');
    expect(e.message).toContain('does not match the certificate for "www.example.org"');
  });

  it('says when the certificates are in the wrong order', () => {
    const e = refusal(ca.intermediate + www.cert, www.key, 'www.example.org');
    expect(e.message).toContain("put your site's certificate first");
  });

  it('refuses a name the certificate does not cover', () => {
    const e = refusal(www.cert + ca.intermediate, www.key, 'shop.example.org');
    expect(e).toMatchObject({ field: 'cert' });
    expect(e.message).toBe('the certificate is for www.example.org, example.org, not shop.example.org; get one whose names include shop.example.org (or *.example.org)');
  });

  it('refuses an expired certificate and one not valid yet', () => {
    expect(refusal(www.cert + ca.intermediate, www.key, 'www.example.org', Date.now() + 11 * DAY).message).toMatch(/^the certificate expired on \d{4}-\d\d-\d\d; renew it/);
    expect(refusal(www.cert + ca.intermediate, www.key, 'www.example.org', Date.now() - DAY).message).toMatch(/is not valid until/);
    // The intermediate outlives the leaf by 20 days in these fixtures; a chain certificate's expiry is named as such.
    const long = ca.leaf(['long.example.org'], 60);
    expect(refusal(long.cert + ca.intermediate, long.key, 'long.example.org', Date.now() + 40 * DAY).message).toContain('certificate 2 in the chain ("Upload Test Intermediate") expired');
  });

  it('refuses a chain without its intermediate, and one out of order', () => {
    const alone = refusal(www.cert, www.key, 'www.example.org');
    expect(alone.message).toContain('the chain is incomplete: "www.example.org" is issued by "Upload Test Intermediate", which is not in cert');
    const other = createUploadCerts();
    try {
      const broken = refusal(www.cert + other.intermediate, www.key, 'www.example.org');
      expect(broken.message).toContain('the chain is broken: certificate 1 ("www.example.org") is issued by "Upload Test Intermediate"');
    } finally {
      other.close();
    }
  });

  it('refuses what is not PEM', () => {
    expect(refusal('hello', www.key, 'www.example.org')).toMatchObject({ field: 'cert' });
    expect(refusal(www.cert + ca.intermediate, 'hello', 'www.example.org')).toMatchObject({ field: 'private_key' });
    expect(refusal('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', www.key, 'www.example.org').message).toContain('certificate 1 in cert is not a readable');
  });
});
