import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StatusOk, responses } from '../schemas/common.js';
import { CreateWebapp, PatchWebapp, UserParams, Webapp, WebappParams } from '../schemas/webapps.js';
import { webappView } from './webapp-view.js';
import type { WebappRow } from '../store/webapps-store.js';

/** /api/v0/user/{username}/webapps/…, shaped like PythonAnywhere's. */
const webappRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const webapps = app.services.webapps;
  const lifecycle = app.services.lifecycle;
  const view = (row: WebappRow, username: string) => webappView(app.config, row, username, lifecycle.status(row));
  const tags = ['webapps'];

  app.get('/webapps/', {
    schema: { tags, summary: 'List web apps', params: UserParams, response: responses({ 200: Type.Array(Webapp) }) },
  }, async (request) => {
    const owner = request.owner!;
    return webapps.list(owner).map((row) => view(row, owner.username));
  });

  app.post('/webapps/', {
    schema: { tags, summary: 'Create a web app (and start it)', params: UserParams, body: CreateWebapp, response: responses({ 201: Webapp }) },
  }, async (request, reply) => {
    const owner = request.owner!;
    const row = await webapps.create(owner, request.body);
    await lifecycle.created(owner, row);
    return reply.status(201).send(view(row, owner.username));
  });

  app.get('/webapps/:domain_name/', {
    schema: { tags, summary: 'Get a web app', params: WebappParams, response: responses({ 200: Webapp }) },
  }, async (request) => {
    const owner = request.owner!;
    return view(webapps.get(owner, request.params.domain_name), owner.username);
  });

  const patchHandler = {
    schema: { tags, summary: 'Change a web app', params: WebappParams, body: PatchWebapp, response: responses({ 200: Webapp }) },
  };
  for (const method of ['patch', 'put'] as const) {
    app[method]('/webapps/:domain_name/', patchHandler, async (request) => {
      const owner = request.owner!;
      const before = webapps.get(owner, request.params.domain_name);
      const changes = await webapps.changesFor(owner, before, request.body);
      const after = await lifecycle.changed(owner, before, changes);
      return view(after, owner.username);
    });
  }

  app.delete('/webapps/:domain_name/', {
    schema: { tags, summary: 'Delete a web app (your files stay)', params: WebappParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const owner = request.owner!;
    await lifecycle.removed(webapps.get(owner, request.params.domain_name));
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
      const owner = request.owner!;
      await lifecycle[action](owner, webapps.get(owner, request.params.domain_name));
      return { status: 'OK' as const };
    });
  }
};

export default webappRoutes;
