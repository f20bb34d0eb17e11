import type { FastifyPluginAsync } from 'fastify';
import type { UserRow } from '../store/users-store.js';
import webappRoutes from './webapps.js';
import staticFileRoutes from './static-files.js';
import fileRoutes from './files.js';
import consoleRoutes from './consoles.js';
import consoleSocketRoutes from './console-socket.js';
import logRoutes from './logs.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user named in /api/v0/user/{username}/, once the caller is known to act for them. */
    owner: UserRow | null;
  }
}

/**
 * PythonAnywhere's API v0, under /api/v0/user/{username}/. Every route here
 * needs a signed-in caller who is that user or an admin; anyone else gets the
 * same 404 as for a user that does not exist.
 */
const v0Routes: FastifyPluginAsync = async (app) => {
  app.decorateRequest('owner', null);
  // onRequest (after authentication's, before the body is read and anything
  // is validated): a stranger's URL answers the same 404 whatever its query
  // or body, never a 400 about them, and a stranger's upload is never read.
  app.addHook('onRequest', async (request) => {
    const { username } = request.params as { username: string };
    request.owner = app.services.auth.resolveOwner(request.principal!, username);
  });
  await app.register(webappRoutes);
  await app.register(staticFileRoutes);
  await app.register(fileRoutes);
  await app.register(consoleRoutes);
  await app.register(consoleSocketRoutes);
  await app.register(logRoutes);
};

export default v0Routes;
