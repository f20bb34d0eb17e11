import { describe, expect, it } from 'vitest';
import { certFilePath, challengeFile, isCertificateName, parseTlsIndex, serializeTlsIndex, TlsIndexFormatError } from '../../src/domain/tls-store.js';

const good = {
  version: 3,
  certificates: [
    { id: 'dashboard', names: ['pyhost.example'], file: 'certs/dashboard.pem', not_after: '2027-03-01T00:00:00.000Z' },
    { id: 'wild-1', names: ['example.org', '*.example.org'], file: 'certs/wild-1.pem', not_after: '2027-03-01T00:00:00Z' },
  ],
};

describe('the certificate store contract', () => {
  it('parses what it serializes', () => {
    expect(parseTlsIndex(serializeTlsIndex(good))).toEqual(good);
  });

  it.each([
    ['not JSON', '{'],
    ['no version', JSON.stringify({ certificates: [] })],
    ['a fractional version', JSON.stringify({ version: 1.5, certificates: [] })],
    ['no list', JSON.stringify({ version: 1 })],
    ['a bad id', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], id: '../x', file: 'certs/../x.pem' }] })],
    ['a file outside certs/', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], file: '/etc/shadow' }] })],
    ['a file of another id', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], file: 'certs/wild-1.pem' }] })],
    ['no names', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], names: [] }] })],
    ['an upper-case name', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], names: ['Example.org'] }] })],
    ['a two-level wildcard', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], names: ['*.*.example.org'] }] })],
    ['a bad date', JSON.stringify({ version: 1, certificates: [{ ...good.certificates[0], not_after: 'soon' }] })],
    ['an id twice', JSON.stringify({ version: 1, certificates: [good.certificates[0], good.certificates[0]] })],
  ])('refuses an index with %s', (_what, text) => {
    expect(() => parseTlsIndex(text)).toThrow(TlsIndexFormatError);
  });

  it('names files only inside the store', () => {
    expect(certFilePath('/d', 'certs/a-1.pem')).toBe('/d/tls/certs/a-1.pem');
    expect(certFilePath('/d', 'certs/../../etc.pem')).toBeNull();
    expect(challengeFile('/d', 'abc_DEF-9')).toBe('/d/tls/challenges/abc_DEF-9');
    expect(challengeFile('/d', '../index.json')).toBeNull();
    expect(challengeFile('/d', '')).toBeNull();
    expect(challengeFile('/d', 'a'.repeat(129))).toBeNull();
  });

  it.each([
    ['example.org', true],
    ['*.example.org', true],
    ['localhost', true],
    ['a.*.example.org', false],
    ['-a.example.org', false],
    ['example.org.', false],
  ])('%s is a certificate name: %s', (name, ok) => {
    expect(isCertificateName(name)).toBe(ok);
  });
});
