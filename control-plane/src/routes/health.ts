import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../schemas/common.js';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/health', {
    config: { access: 'public' },
    // Compose asks every few seconds: only problems belong in the log.
    logLevel: 'warn',
    schema: {
      tags: ['instance'],
      summary: 'Is the control plane up and its database readable',
      response: responses({ 200: Type.Object({ status: Type.Literal('ok'), instance: Type.String() }) }),
    },
  }, async () => {
    app.db.prepare('SELECT 1').get();
    return { status: 'ok' as const, instance: app.instanceId };
  });
};

export default healthRoutes;
