import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { responses } from '../schemas/common.js';
import { DiskUsage, type DiskUsageReply } from '../schemas/disk.js';
import { UserParams } from '../schemas/webapps.js';
import { ownerOf } from './context.js';

/** /api/v0/user/{username}/disk/: the account's disk against its quota (docs/disk-quotas.md); read from the filesystem, never a walk. */
const diskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/disk/', {
    schema: { tags: ['disk'], summary: "The account's disk use and quota", params: UserParams, response: responses({ 200: DiskUsage }) },
  }, async (request): Promise<DiskUsageReply> => {
    const owner = ownerOf(request);
    const disk = app.services.disks.figures(owner);
    if (disk) return { quota_bytes: disk.quotaBytes, size_bytes: disk.sizeBytes, used_bytes: disk.usedBytes };
    return { quota_bytes: null, size_bytes: null, used_bytes: app.services.diskUsage.bytesOf(owner.id) };
  });
};

export default diskRoutes;
