import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ArchiveParams, ArchiveSchema, RestoreSchema, RestoredSchema } from '../schemas/admin.js';
import { responses } from '../schemas/common.js';

const tags = ['admin'];

/** Deleted accounts' files, kept as tarballs under PYHOST_DATA/archives/: list, restore, delete for good. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { archives, archiveRestore } = app.services;

  app.get('/api/admin/archives', {
    config: { access: 'admin' },
    schema: { tags, summary: "Archives of deleted accounts' files, newest first", response: responses({ 200: Type.Object({ archives: Type.Array(ArchiveSchema) }) }) },
  }, async () => ({ archives: archives.list() }));

  app.post('/api/admin/archives/:name/restore', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Bring the account back with its files (a new uid); the archive is removed',
      params: ArchiveParams,
      body: Type.Optional(RestoreSchema),
      response: responses({ 201: RestoredSchema }),
    },
  }, async (request, reply) => {
    const restored = await archiveRestore.restore(request.principal!, request.params.name, request.body ?? {});
    return reply.status(201).send(restored);
  });

  app.delete('/api/admin/archives/:name', {
    config: { access: 'admin' },
    schema: { tags, summary: "Erase an archive for good: its username can be used again", params: ArchiveParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await archives.remove(request.params.name);
    request.log.info({ admin: request.principal!.username, archive: request.params.name }, 'archive deleted');
    return reply.status(204).send(null);
  });
};

export default routes;
