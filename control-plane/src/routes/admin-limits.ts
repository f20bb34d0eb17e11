import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Limits per account (/api/admin/limits, per user): what an admin allows. */
const routes: FastifyPluginAsyncTypebox = async () => {};

export default routes;
