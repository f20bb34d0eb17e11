import Fastify, { type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { trustedProxyCheck } from './domain/trusted-proxies.js';
import type { ContainerRuntime, HostCommands } from './runtime/index.js';
import storePlugin from './plugins/store.js';
import servicesPlugin from './plugins/services.js';
import errorsPlugin from './plugins/errors.js';
import authenticationPlugin from './plugins/authentication.js';
import openapiPlugin from './plugins/openapi.js';
import bodyParsersPlugin from './plugins/body-parsers.js';
import websocketPlugin from '@fastify/websocket';
import healthRoutes from './routes/health.js';
import authRoutes from './routes/auth.js';
import setupRoutes from './routes/setup.js';
import v0Routes from './routes/v0.js';
import v1Routes from './routes/v1.js';
import dashboardRoutes from './routes/dashboard.js';
import instanceRoutes from './routes/instance.js';
import adminRoutes from './routes/admin.js';
import adminLimitRoutes from './routes/admin-limits.js';
import teachingRoutes from './routes/teaching.js';

function routerHops(config: Config): (address: string, hop: number) => boolean {
  const trusted = trustedProxyCheck(config.trustedProxies);
  return (address, hop) => hop === 0 || trusted(address);
}

export interface AppOptions {
  config: Config;
  logger?: FastifyServerOptions['logger'];
  /** Where web apps and consoles run: the Docker Engine (tests: a fake of it). */
  runtime: ContainerRuntime;
  /** Where users' disks are mounted (the engine's mount namespace); absent: no disk quotas (tests with a fake engine). */
  hostCommands?: (instance: string) => HostCommands;
  /** The time restart backoffs count in (tests move it instead of waiting). */
  clock?: () => number;
  /** Called for every route as it is registered (the authorization tests list them this way). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * Builds the control plane's HTTP app. It never listens: server.ts owns the
 * process, and tests drive the very same app with inject().
 */
export async function buildApp({ config, logger = false, runtime, hostCommands, clock = Date.now, onRoute }: AppOptions) {
  const app = Fastify({
    logger,
    // Only the router can reach the api (a root-only unix socket), so the
    // nearest hop is always trusted; the router's own X-Forwarded-For entry
    // is believed further back only for the configured proxies.
    trustProxy: routerHops(config),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (onRoute) app.addHook('onRoute', onRoute);
  // Over HTTPS the dashboard is never to be fetched over plain HTTP again (docs/https.md).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.protocol === 'https') void reply.header('strict-transport-security', 'max-age=31536000');
    done();
  });

  await app.register(storePlugin, { config });
  await app.register(errorsPlugin);
  await app.register(servicesPlugin, { runtime, hostCommands, clock });
  await app.register(bodyParsersPlugin);
  await app.register(openapiPlugin);
  // Before authentication and the routes: it wraps every route declared
  // after it, and its hooks must see a refused handshake too (else the
  // socket of an upgrade that authentication rejects is never closed).
  // Console input frames are small; ws refuses bigger ones itself.
  await app.register(websocketPlugin, { options: { maxPayload: 128 * 1024 } });
  await app.register(authenticationPlugin);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(setupRoutes);
  await app.register(v0Routes, { prefix: '/api/v0/user/:username' });
  await app.register(v1Routes, { prefix: '/api/v1/user/:username' });
  await app.register(instanceRoutes);
  await app.register(adminRoutes);
  await app.register(adminLimitRoutes);
  await app.register(teachingRoutes);
  await app.register(dashboardRoutes);

  if (config.admin) await app.services.auth.ensureAdmin(config.admin.username, config.admin.password);
  // First run without a configured admin: a one-time token, only in the log.
  const setupToken = app.services.auth.issueSetupToken();
  if (setupToken) {
    app.log.warn(
      { setup: '/api/auth/setup' },
      `FIRST RUN: this Pyhost has no account yet. Create the first admin with this one-time setup token: ${setupToken} ` +
        '(POST /api/auth/setup with {"token", "username", "password"}, or the dashboard\'s setup page). ' +
        'Or set PYHOST_ADMIN_USER and PYHOST_ADMIN_PASSWORD and restart.',
    );
  }
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
