import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** PythonAnywhere's students API, under /api/v0/user/{teacher}/students/. */
const studentRoutes: FastifyPluginAsyncTypebox = async () => {};

export default studentRoutes;
