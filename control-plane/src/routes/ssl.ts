import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError } from '../domain/errors.js';
import { StatusOk, responses } from '../schemas/common.js';
import { SetSsl, SslInfo } from '../schemas/ssl.js';
import { WebappParams } from '../schemas/webapps.js';
import type { SslSite } from '../services/tls/ssl-service.js';
import { webappOf } from './context.js';

/** Where the ssl/ routes hang: a web app's (v0) or a domain's (v1), each resolved by its own hook before the route runs. */
export interface SslRouteOptions {
  readonly collection: 'webapps' | 'domains';
  readonly siteOf: (request: FastifyRequest) => SslSite;
}

/**
 * …/webapps/{domain_name}/ssl/ (v0) and …/domains/{domain_name}/ssl/ (v1),
 * as PythonAnywhere's (docs/https.md): the certificate, your own one
 * installed, or back to the automatic one.
 */
export const sslRoutes: FastifyPluginAsyncTypebox<SslRouteOptions> = async (app, { collection, siteOf }) => {
  const { ssl } = app.services;
  const tags = [collection];
  const what = collection === 'webapps' ? 'web app' : 'domain';

  app.get(`/${collection}/:domain_name/ssl/`, {
    schema: { tags, summary: `The ${what}'s HTTPS certificate: issuer, names, expiry (not_after)`, params: WebappParams, response: responses({ 200: SslInfo }) },
  }, async (request) => ssl.get(siteOf(request)));

  app.post(`/${collection}/:domain_name/ssl/`, {
    schema: {
      tags,
      summary: 'Install your own certificate (cert + private_key, checked first), or {"cert_type": "letsencrypt-auto-renew"} for an automatic one',
      params: WebappParams,
      body: SetSsl,
      response: responses({ 200: StatusOk }),
    },
  }, async (request) => {
    const site = siteOf(request);
    const body = request.body;
    if (body.cert_type !== undefined) {
      if (body.cert !== undefined || body.private_key !== undefined) {
        throw new ValidationError('send either cert_type or cert and private_key, not both', 'cert_type');
      }
      ssl.autoRenew(site);
      return { status: 'OK' as const };
    }
    if (body.cert === undefined) throw new ValidationError('cert is required (your certificate, PEM), or cert_type: letsencrypt-auto-renew', 'cert');
    if (body.private_key === undefined) throw new ValidationError('private_key is required (the key of your certificate, PEM)', 'private_key');
    ssl.upload(site, body.cert, body.private_key);
    return { status: 'OK' as const };
  });

  app.delete(`/${collection}/:domain_name/ssl/`, {
    schema: { tags, summary: `Delete the ${what}'s certificate`, params: WebappParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    ssl.remove(siteOf(request));
    return reply.status(204).send(null);
  });
};

/** v0's: a web app's certificate. */
const webappSslRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(sslRoutes, {
    collection: 'webapps',
    siteOf: (request) => {
      const w = webappOf(request);
      return { kind: 'webapp', id: w.id, domain_name: w.domain_name };
    },
  });
};

export default webappSslRoutes;
