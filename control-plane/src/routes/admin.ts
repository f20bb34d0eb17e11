import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** The Admin section's API (/api/admin/…): accounts, archives, sign-up mode. */
const routes: FastifyPluginAsyncTypebox = async () => {};

export default routes;
