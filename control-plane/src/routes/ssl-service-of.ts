import type { FastifyInstance } from 'fastify';
import { CertificateService } from '../services/tls/certificate-service.js';
import { SslService } from '../services/tls/ssl-service.js';

const built = new WeakMap<FastifyInstance['stores'], SslService>();

/**
 * The ssl/ endpoints' service, one per app (v0 and v1 share it). Its
 * certificate service writes the same store as the renewer's: index.json's
 * version is read from the file at each write, so two writers never reuse one.
 */
export function sslServiceOf(app: FastifyInstance): SslService {
  let ssl = built.get(app.stores);
  if (!ssl) {
    ssl = new SslService(new CertificateService(app.config.dataDir, app.config.ingressUid, app.stores.certificates), app.config.acme !== null);
    built.set(app.stores, ssl);
  }
  return ssl;
}
