import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StatusOk, responses } from '../schemas/common.js';
import { CreateWebapp, PatchWebapp, UserParams, Webapp, WebappParams } from '../schemas/webapps.js';
import type { UserRow } from '../store/users-store.js';
import type { WebappRow } from '../store/webapps-store.js';
import { ownerOf, webappOf } from './context.js';
import { customDomainFields } from './custom-domain-view.js';
import { webappView } from './webapp-view.js';

/** /api/v0/user/{username}/webapps/…, shaped like PythonAnywhere's. */
const webappRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const webapps = app.services.webapps;
  const certificates = app.services.certificates;
  // A list passes one lookup for all its rows: the certificate rows are read once, not once a web app.
  const view = (row: WebappRow, owner: UserRow, servesHttps = certificates.httpsLookup()) => ({ ...webappView(app.config, row, owner.username, webapps.status(row), servesHttps(row.domain_name)), ...customDomainFields(app, owner, row.domain_name) });
  const tags = ['webapps'];

  app.get('/webapps/', {
    schema: { tags, summary: 'List web apps', params: UserParams, response: responses({ 200: Type.Array(Webapp) }) },
  }, async (request) => {
    const owner = ownerOf(request);
    const servesHttps = certificates.httpsLookup();
    return webapps.list(owner).map((row) => view(row, owner, servesHttps));
  });

  app.post('/webapps/', {
    schema: {
      tags,
      summary: 'Create a web app (and start it): a hello world, or one for your Django project or Flask file',
      params: UserParams,
      body: CreateWebapp,
      response: responses({ 201: Webapp }),
    },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    return reply.status(201).send(view(await webapps.create(owner, request.body), owner));
  });

  app.get('/webapps/:domain_name/', {
    schema: { tags, summary: 'Get a web app', params: WebappParams, response: responses({ 200: Webapp }) },
  }, async (request) => view(webappOf(request), ownerOf(request)));

  const patchHandler = {
    schema: { tags, summary: 'Change a web app', params: WebappParams, body: PatchWebapp, response: responses({ 200: Webapp }) },
  };
  for (const method of ['patch', 'put'] as const) {
    app[method]('/webapps/:domain_name/', patchHandler, async (request) => {
      const owner = ownerOf(request);
      return view(await webapps.update(owner, webappOf(request), request.body), owner);
    });
  }

  app.delete('/webapps/:domain_name/', {
    schema: { tags, summary: 'Delete a web app (your files stay)', params: WebappParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await webapps.remove(ownerOf(request), webappOf(request));
    return reply.status(204).send(null);
  });

  const actions = {
    reload: 'Reload: pick up new code; answers once the app serves again',
    enable: 'Enable: start serving',
    disable: 'Disable: stop serving',
  } as const;
  for (const [action, summary] of Object.entries(actions) as [keyof typeof actions, string][]) {
    app.post(`/webapps/:domain_name/${action}/`, {
      schema: { tags, summary, params: WebappParams, response: responses({ 200: StatusOk }) },
    }, async (request) => {
      await webapps[action](ownerOf(request), webappOf(request));
      return { status: 'OK' as const };
    });
  }
};

export default webappRoutes;
