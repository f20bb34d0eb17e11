import fp from 'fastify-plugin';
import { AuthService } from '../services/auth-service.js';
import { FileService } from '../services/file-service.js';
import { WebappService } from '../services/webapp-service.js';
import type { WebappLifecycle } from '../services/lifecycle.js';
import { StoreOnlyLifecycle } from '../services/store-only-lifecycle.js';

export interface Services {
  auth: AuthService;
  webapps: WebappService;
  files: FileService;
  lifecycle: WebappLifecycle;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export default fp(
  async (app) => {
    const webapps = new WebappService(app.db, app.config);
    app.decorate('services', {
      auth: new AuthService(app.db, app.config),
      webapps,
      files: new FileService(app.config),
      lifecycle: new StoreOnlyLifecycle(webapps.store),
    });
  },
  { name: 'services', dependencies: ['store'] },
);
