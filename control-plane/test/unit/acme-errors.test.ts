import { describe, expect, it } from 'vitest';
import { describeAcmeError } from '../../src/services/tls/acme-errors.js';

const DIR = 'https://ca.example.org/dir';

describe('describeAcmeError', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }), `could not reach the certificate authority at ${DIR} (ECONNREFUSED); it will be tried again`],
    [Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), /not trusted \(SELF_SIGNED_CERT_IN_CHAIN\); for a private CA set PYHOST_ACME_CA_BUNDLE/],
    [new Error('Get "http://a.example.org/.well-known/acme-challenge/x": 404'), /^the certificate authority could not fetch the HTTP-01 challenge \(Get .*404\); the name's DNS must point at this server/],
    [new Error('Error creating new order :: too many certificates already issued'), 'the certificate authority did not issue the certificate: Error creating new order :: too many certificates already issued'],
    ['weird', 'the certificate authority did not issue the certificate: weird'],
  ])('%s', (err, expected) => {
    if (typeof expected === 'string') expect(describeAcmeError(err, DIR)).toBe(expected);
    else expect(describeAcmeError(err, DIR)).toMatch(expected);
  });
});
