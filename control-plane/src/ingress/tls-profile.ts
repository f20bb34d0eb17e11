import type tls from 'node:tls';

// Mozilla's "intermediate" server profile (ssl-config.mozilla.org, guideline
// 5.7): TLS 1.2 and 1.3, forward-secret AEAD suites only, the client's
// preference order (every suite here is strong, and clients without AES
// hardware pick ChaCha20). TLS 1.3's suites are OpenSSL's defaults, which
// are the profile's. The DHE suites of the profile are left out: they need
// a 2048-bit ffdhe group that Node 20 cannot be given without a PEM, and
// every client the profile supports has ECDHE.

export const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export const INTERMEDIATE_CURVES = 'X25519:prime256v1:secp384r1';

/** The options every SecureContext of the router is made with (besides key and cert). */
export const TLS_PROFILE = Object.freeze({
  minVersion: 'TLSv1.2',
  ciphers: INTERMEDIATE_CIPHERS,
  ecdhCurve: INTERMEDIATE_CURVES,
  honorCipherOrder: false,
} satisfies tls.SecureContextOptions);
