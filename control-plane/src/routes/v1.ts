import type { FastifyPluginAsync } from 'fastify';
import { resolveRequestContext } from './context.js';
import websiteRoutes from './websites.js';
import domainRoutes from './domains.js';

/**
 * PythonAnywhere's API v1, under /api/v1/user/{username}/: its websites
 * (docs/websites.md) and domains (docs/https.md). Who may call it is as for v0 (routes/v0.ts).
 */
const v1Routes: FastifyPluginAsync = async (app) => {
  resolveRequestContext(app, { webapps: false });
  await app.register(websiteRoutes);
  await app.register(domainRoutes);
};

export default v1Routes;
