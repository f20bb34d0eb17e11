import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SignupModeSchema } from '../schemas/auth.js';
import { responses } from '../schemas/common.js';

export const InstanceInfo = Type.Object({
  signup: SignupModeSchema,
  domain: Type.String({ description: 'the base domain of this Pyhost' }),
});

/** What the login page needs before anyone is signed in (GET /api/auth/me answers 401 then). */
const instanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/instance', {
    config: { access: 'public' },
    schema: { tags: ['instance'], summary: 'Public facts about this Pyhost: sign-up mode and base domain', response: responses({ 200: InstanceInfo }) },
  }, async () => ({ signup: app.services.settings.signupMode(), domain: app.config.domain }));
};

export default instanceRoutes;
