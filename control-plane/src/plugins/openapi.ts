import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** OpenAPI for every route, built from the route schemas, browsable at /api/docs. */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Pyhost API',
          version: '0',
          description:
            "Shaped like PythonAnywhere's API v0 under /api/v0/user/{username}/. Authenticate with " +
            '`Authorization: Token <token>` (create one at /api/auth/tokens) or the dashboard session cookie ' +
            'plus the X-CSRF-Token header.',
        },
        components: {
          securitySchemes: {
            token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <your API token>' },
          },
        },
        security: [{ token: [] }],
      },
    });
    // The documentation is for everyone, signed in or not.
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/api/docs')) route.config = { ...route.config, access: 'public' };
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs' });
  },
  { name: 'openapi' },
);
