import type { Static } from 'typebox';
import { ValidationError } from '../domain/errors.js';
import type { SetSsl } from '../schemas/ssl.js';
import type { SslService, SslSite } from '../services/tls/ssl-service.js';

/** POST …/ssl/ for v0's web apps and v1's domains alike: an upload, or the automatic certificate. */
export function setSsl(ssl: SslService, site: SslSite, body: Static<typeof SetSsl>): { status: 'OK' } {
  if (body.cert_type !== undefined) {
    if (body.cert !== undefined || body.private_key !== undefined) {
      throw new ValidationError('send either cert_type or cert and private_key, not both', 'cert_type');
    }
    ssl.autoRenew(site);
    return { status: 'OK' };
  }
  if (body.cert === undefined) throw new ValidationError('cert is required (your certificate, PEM), or cert_type: letsencrypt-auto-renew', 'cert');
  if (body.private_key === undefined) throw new ValidationError('private_key is required (the key of your certificate, PEM)', 'private_key');
  ssl.upload(site, body.cert, body.private_key);
  return { status: 'OK' };
}
