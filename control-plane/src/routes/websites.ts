import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { Type } from 'typebox';
import { StatusOk, responses } from '../schemas/common.js';
import { UserParams } from '../schemas/webapps.js';
import { CreateWebsite, PatchWebsite, Website, WebsiteParams } from '../schemas/websites.js';
import type { UserRow } from '../store/users-store.js';
import type { WebsiteRow } from '../store/websites-store.js';
import { ownerOf } from './context.js';
import { customDomainFields } from './custom-domain-view.js';
import { siteLogRoutes } from './logs.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The website named in …/websites/{domain}/…, the owner's; resolved before validation (a stranger's is a 404). */
    website: WebsiteRow | null;
  }
}

function websiteView(row: WebsiteRow, username: string): Static<typeof Website> {
  const log = (kind: string) => `/var/log/${row.domain_name}.${kind}.log`;
  const state = row.enabled === 0 ? 'disabled' : row.crashed_reason !== null ? 'crashed' : row.active_generation > 0 ? 'running' : row.last_error !== null ? 'failed' : 'starting';
  return {
    id: row.id,
    user: username,
    domain_name: row.domain_name,
    enabled: row.enabled === 1,
    python_version: row.python_version,
    webapp: { id: row.id, command: row.command, domains: [{ domain_name: row.domain_name, enabled: row.enabled === 1 }] },
    logfiles: { access: log('access'), error: log('error'), server: log('server') },
    state,
    last_error: row.crashed_reason ?? row.last_error,
  };
}

/** /api/v1/user/{username}/websites/…, shaped like PythonAnywhere's (docs/websites.md). */
const websiteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const websites = app.services.websites;
  const tags = ['websites'];
  app.decorateRequest('website', null);
  app.addHook('onRequest', async (request) => {
    // {domain} here, {domain_name} under …/logs/ (the web apps' log routes, shared).
    const { domain, domain_name } = request.params as { domain?: string; domain_name?: string };
    const named = domain ?? domain_name;
    if (named !== undefined) request.website = websites.get(ownerOf(request), named);
  });
  const siteOf = (request: { website: WebsiteRow | null }) => request.website!;
  const view = (row: WebsiteRow, owner: UserRow) => ({ ...websiteView(row, owner.username), ...customDomainFields(app, owner, row.domain_name) });
  await app.register(siteLogRoutes, { collection: 'websites', siteOf });

  app.get('/websites/', {
    schema: { tags, summary: 'List websites', params: UserParams, response: responses({ 200: Type.Array(Website) }) },
  }, async (request) => {
    const owner = ownerOf(request);
    return websites.list(owner).map((row) => view(row, owner));
  });

  app.post('/websites/', {
    schema: { tags, summary: 'Create a website: a command that serves HTTP on $DOMAIN_SOCKET (and start it)', params: UserParams, body: CreateWebsite, response: responses({ 201: Website }) },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    const { domain_name, enabled, webapp } = request.body;
    const python_version = request.body.python_version ?? webapp.python_version;
    const row = await websites.create(owner, { domain_name, command: webapp.command, python_version, ...(enabled === undefined ? {} : { enabled }) });
    return reply.status(201).send(view(row, owner));
  });

  app.get('/websites/:domain/', {
    schema: { tags, summary: 'Get a website', params: WebsiteParams, response: responses({ 200: Website }) },
  }, async (request) => view(siteOf(request), ownerOf(request)));

  app.patch('/websites/:domain/', {
    schema: { tags, summary: 'Enable or disable a website, or change its command or python_version (a new server beside the old one)', params: WebsiteParams, body: PatchWebsite, response: responses({ 200: Website }) },
  }, async (request) => {
    const owner = ownerOf(request);
    const { enabled, webapp } = request.body;
    const command = webapp?.command;
    const python_version = request.body.python_version ?? webapp?.python_version;
    const row = await websites.update(owner, siteOf(request), {
      ...(enabled === undefined ? {} : { enabled }),
      ...(command === undefined ? {} : { command }),
      ...(python_version === undefined ? {} : { python_version }),
    });
    return view(row, owner);
  });

  app.delete('/websites/:domain/', {
    schema: { tags, summary: 'Delete a website (its logs stay)', params: WebsiteParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await websites.remove(siteOf(request));
    return reply.status(204).send(null);
  });

  app.post('/websites/:domain/reload/', {
    schema: { tags, summary: 'Reload: a new server beside the old one; answers once it serves', params: WebsiteParams, response: responses({ 200: StatusOk }) },
  }, async (request) => {
    await websites.reload(ownerOf(request), siteOf(request));
    return { status: 'OK' as const };
  });
};

export default websiteRoutes;
