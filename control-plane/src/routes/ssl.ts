import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StatusOk, responses } from '../schemas/common.js';
import { SetSsl, SslInfo } from '../schemas/ssl.js';
import { WebappParams } from '../schemas/webapps.js';
import type { SslSite } from '../services/tls/ssl-service.js';
import { webappOf } from './context.js';
import { setSsl } from './ssl-handlers.js';

/** /api/v0/user/{username}/webapps/{domain_name}/ssl/, as PythonAnywhere's (docs/https.md). */
const sslRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ssl = app.services.ssl;
  const tags = ['webapps'];
  const siteOf = (request: Parameters<typeof webappOf>[0]): SslSite => {
    const w = webappOf(request);
    return { kind: 'webapp', id: w.id, domain_name: w.domain_name };
  };

  app.get('/webapps/:domain_name/ssl/', {
    schema: { tags, summary: "The web app's HTTPS certificate: issuer, names, expiry (not_after)", params: WebappParams, response: responses({ 200: SslInfo }) },
  }, async (request) => ssl.get(siteOf(request)));

  app.post('/webapps/:domain_name/ssl/', {
    schema: {
      tags,
      summary: 'Install your own certificate (cert + private_key, checked first), or {"cert_type": "letsencrypt-auto-renew"} for an automatic one',
      params: WebappParams,
      body: SetSsl,
      response: responses({ 200: StatusOk }),
    },
  }, async (request) => setSsl(ssl, siteOf(request), request.body));

  app.delete('/webapps/:domain_name/ssl/', {
    schema: { tags, summary: "Delete the web app's certificate", params: WebappParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    ssl.remove(siteOf(request));
    return reply.status(204).send(null);
  });
};

export default sslRoutes;
