import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Teaching (/api/teaching/…, /api/auth/teacher, /api/auth/audit): invite codes, a student's teacher, the audit log. */
const routes: FastifyPluginAsyncTypebox = async () => {};

export default routes;
