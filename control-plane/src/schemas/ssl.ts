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

export const Domain = Type.Object({
  domain_name: Type.String(),
  enabled: Type.Boolean(),
  /** What serves it: a website (v1) or a web app (v0). */
  kind: Type.Union([Type.Literal('website'), Type.Literal('webapp')]),
});

export const DnsRecordSchema = Type.Object({
  type: Type.Union([Type.Literal('CNAME'), Type.Literal('A')]),
  name: Type.String(),
  value: Type.String(),
});

/** Added to a web app's and a website's JSON: its custom domain's DNS (null for a domain under the base domain). */
export const CustomDomainFields = {
  dns_status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('ok'), Type.Literal('wrong'), Type.Null()], {
    description: "a custom domain's DNS: ok (it points here), wrong (it points elsewhere), pending (no record yet); null under the base domain",
  })),
  custom_domain: Type.Optional(Type.Union([
    Type.Object({
      dns_message: Type.String({ description: 'what a person reads: it points here, or what record to create or change' }),
      dns_records: Type.Array(DnsRecordSchema, { description: 'the DNS records that make it point here, any one of them' }),
      dns_checked_at: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ])),
};
