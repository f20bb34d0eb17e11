import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { uidFor } from '../domain/layout.js';
import { SetupRequest, SetupState, SignupResult } from '../schemas/auth.js';
import { responses } from '../schemas/common.js';

/**
 * First run without PYHOST_ADMIN_*: the api prints a one-time setup token in
 * its log, and whoever can read that log creates the first admin here.
 * Nothing else is open: sign-up stays closed unless PYHOST_SIGNUP=open.
 */
const setupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;
  const { config } = app;

  app.get('/api/auth/setup', {
    config: { access: 'public' },
    schema: { tags: ['accounts'], summary: 'Whether this Pyhost waits for its first admin', response: responses({ 200: SetupState }) },
  }, async () => ({ required: auth.setupPending() }));

  app.post('/api/auth/setup', {
    config: { access: 'public' },
    schema: {
      tags: ['accounts'],
      summary: "Create the first admin with the one-time setup token from the api's log",
      body: SetupRequest,
      response: responses({ 201: SignupResult }),
    },
  }, async (request, reply) => {
    const { token, username, password } = request.body;
    const user = await auth.completeSetup(token, username, password);
    request.log.info({ user: user.username }, 'first admin created with the setup token');
    app.setSessionCookie(reply, auth.startSession(user));
    return reply.status(201).send({ username: user.username, is_admin: true, uid: uidFor(config.uidBase, user.id) });
  });
};

export default setupRoutes;
