import { Type } from 'typebox';
import { MAX_CERT_FILE_BYTES } from '../domain/tls-store.js';

/** POST …/ssl/: your own certificate (as `pa webapp install-ssl` sends it), or the automatic one. */
export const SetSsl = Type.Object(
  {
    cert: Type.Optional(Type.String({ maxLength: MAX_CERT_FILE_BYTES, description: "PEM: your site's certificate, then the intermediate certificates" })),
    private_key: Type.Optional(Type.String({ maxLength: 64 * 1024, description: 'PEM: the private key of the certificate, unencrypted' })),
    cert_type: Type.Optional(Type.Literal('letsencrypt-auto-renew', { description: 'instead of cert and private_key: an automatic certificate, renewed by Pyhost' })),
  },
  { additionalProperties: false },
);

export const SslInfo = Type.Object({
  cert_type: Type.Union([Type.Literal('letsencrypt-auto-renew'), Type.Literal('manual')]),
  not_after: Type.Union([Type.String(), Type.Null()], { description: 'ISO 8601; null while an automatic certificate is still being ordered' }),
  not_before: Type.Union([Type.String(), Type.Null()]),
  issuer_name: Type.Union([Type.String(), Type.Null()]),
  subject_alternate_names: Type.Array(Type.String()),
  domains: Type.Array(Type.String()),
  last_error: Type.Union([Type.String(), Type.Null()], { description: 'why the last automatic order failed, in words' }),
});

export const DomainParams = Type.Object({ username: Type.String({ maxLength: 64 }), domain: Type.String({ maxLength: 253 }) });

export const Domain = Type.Object({
  domain_name: Type.String(),
  enabled: Type.Boolean(),
  /** What serves it: a website (v1) or a web app (v0). */
  kind: Type.Union([Type.Literal('website'), Type.Literal('webapp')]),
});
