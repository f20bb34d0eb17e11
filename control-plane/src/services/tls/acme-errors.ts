// A failed ACME order in words, for the Web tab and the log: what went
// wrong and, where it is the admin's to fix, what to look at.

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function describeAcmeError(err: unknown, directory: string): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  if (UNREACHABLE.has(code)) return `could not reach the certificate authority at ${directory} (${code}); it will be tried again`;
  if (UNTRUSTED.has(code)) {
    return `the certificate authority's HTTPS certificate at ${directory} is not trusted (${code}); for a private CA set PYHOST_ACME_CA_BUNDLE`;
  }
  const said = message.slice(0, 500);
  if (/acme-challenge/.test(message)) {
    return `the certificate authority could not fetch the HTTP-01 challenge (${said}); the name's DNS must point at this server and its port 80 be reachable from the internet`;
  }
  return `the certificate authority did not issue the certificate: ${said}`;
}
