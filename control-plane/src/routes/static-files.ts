import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../schemas/common.js';
import { CreateStaticFile, PatchStaticFile, StaticFile, StaticFileParams, WebappParams } from '../schemas/webapps.js';
import type { StaticFileRow } from '../store/webapps-store.js';
import { ownerOf, webappOf } from './context.js';

const view = (row: StaticFileRow) => ({ id: row.id, url: row.url, path: row.path });

/** /api/v0/user/{username}/webapps/{domain}/static_files/…: URL prefixes served from folders. */
const staticFileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const staticFiles = app.services.staticFiles;
  const tags = ['static files'];

  app.get('/webapps/:domain_name/static_files/', {
    schema: { tags, summary: 'List static file mappings', params: WebappParams, response: responses({ 200: Type.Array(StaticFile) }) },
  }, async (request) => staticFiles.list(webappOf(request)).map(view));

  app.post('/webapps/:domain_name/static_files/', {
    schema: { tags, summary: 'Add a static file mapping', params: WebappParams, body: CreateStaticFile, response: responses({ 201: StaticFile }) },
  }, async (request, reply) => reply.status(201).send(view(staticFiles.add(ownerOf(request), webappOf(request), request.body))));

  app.get('/webapps/:domain_name/static_files/:id/', {
    schema: { tags, summary: 'Get a static file mapping', params: StaticFileParams, response: responses({ 200: StaticFile }) },
  }, async (request) => view(staticFiles.get(webappOf(request), request.params.id)));

  const patch = {
    schema: { tags, summary: 'Change a static file mapping', params: StaticFileParams, body: PatchStaticFile, response: responses({ 200: StaticFile }) },
  };
  for (const method of ['patch', 'put'] as const) {
    app[method]('/webapps/:domain_name/static_files/:id/', patch, async (request) =>
      view(staticFiles.update(ownerOf(request), webappOf(request), request.params.id, request.body)));
  }

  app.delete('/webapps/:domain_name/static_files/:id/', {
    schema: { tags, summary: 'Delete a static file mapping', params: StaticFileParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    staticFiles.remove(webappOf(request), request.params.id);
    return reply.status(204).send(null);
  });
};

export default staticFileRoutes;
