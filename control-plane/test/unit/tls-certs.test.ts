import { describe, expect, it } from 'vitest';
import { certificateFor, splitPem } from '../../src/ingress/tls-certs.js';

describe('the certificate for an SNI name', () => {
  const byName = new Map([
    ['example.org', 'apex'],
    ['*.example.org', 'wild'],
    ['www.example.org', 'www'],
    ['*.apps.example.net', 'apps'],
  ]);

  it.each([
    ['example.org', 'apex'],
    ['www.example.org', 'www'], // exact before wildcard
    ['shop.example.org', 'wild'],
    ['SHOP.Example.ORG.', 'wild'],
    ['a.b.example.org', undefined], // a wildcard covers one level only
    ['x.apps.example.net', 'apps'],
    ['apps.example.net', undefined], // nor the name it stands under
    ['example.net', undefined],
    ['org', undefined],
    ['.example.org', undefined],
    ['', undefined],
  ])('%s → %s', (name, want) => {
    expect(certificateFor(byName, name)).toBe(want);
  });
});

describe('a store file’s key and chain', () => {
  const key = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----';
  const leaf = '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----';
  const issuer = '-----BEGIN CERTIFICATE-----\nISSUER\n-----END CERTIFICATE-----';

  it('splits the key from the chain, leaf first', () => {
    expect(splitPem(`${key}\n${leaf}\n${issuer}\n`)).toEqual({ key, cert: `${leaf}\n${issuer}` });
  });

  it('refuses a file without a key or without a certificate', () => {
    expect(() => splitPem(leaf)).toThrow(/no private key/);
    expect(() => splitPem(key)).toThrow(/no certificate/);
  });
});
