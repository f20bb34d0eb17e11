import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../domain/errors.js';
import { responses } from '../schemas/common.js';
import { Domain } from '../schemas/ssl.js';
import { UserParams, WebappParams } from '../schemas/webapps.js';
import type { SslSite } from '../services/tls/ssl-service.js';
import { ownerOf } from './context.js';
import { sslRoutes } from './ssl.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The site serving …/domains/{domain}/…, the owner's (a stranger's is a 404 before validation). */
    domainSite: (SslSite & { enabled: boolean }) | null;
  }
}

const view = (s: SslSite & { enabled: boolean }): Static<typeof Domain> => ({ domain_name: s.domain_name, enabled: s.enabled, kind: s.kind });

/**
 * /api/v1/user/{username}/domains/…, as PythonAnywhere's: each of the
 * owner's websites and web apps is one domain, its domain_name; HTTPS for it
 * is under …/domains/{domain}/ssl/ (docs/https.md).
 */
const domainRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { websites, webapps } = app.services;
  const tags = ['domains'];
  const sitesOf = (request: FastifyRequest) => {
    const owner = ownerOf(request);
    return [
      ...websites.list(owner).map((w) => ({ kind: 'website' as const, id: w.id, domain_name: w.domain_name, enabled: w.enabled === 1 })),
      ...webapps.list(owner).map((w) => ({ kind: 'webapp' as const, id: w.id, domain_name: w.domain_name, enabled: w.enabled === 1 })),
    ];
  };
  app.decorateRequest('domainSite', null);
  app.addHook('onRequest', async (request) => {
    const { domain_name: domain } = request.params as { domain_name?: string };
    if (domain === undefined) return;
    const name = domain.toLowerCase().replace(/\.$/, '');
    const site = sitesOf(request).find((s) => s.domain_name === name);
    if (!site) throw new NotFoundError(`no website or web app ${domain}`);
    request.domainSite = site;
  });
  const siteOf = (request: FastifyRequest) => request.domainSite!;

  app.get('/domains/', {
    schema: { tags, summary: "List your domains: each website's and web app's", params: UserParams, response: responses({ 200: Type.Array(Domain) }) },
  }, async (request) => sitesOf(request).map(view));

  app.get('/domains/:domain_name/', {
    schema: { tags, summary: 'Get a domain', params: WebappParams, response: responses({ 200: Domain }) },
  }, async (request) => view(siteOf(request)));

  await app.register(sslRoutes, { collection: 'domains', siteOf });
};

export default domainRoutes;
