import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { responses } from '../schemas/common.js';
import { SettingsPatchSchema, SettingsSchema } from '../schemas/admin.js';
import archiveRoutes from './admin-archives.js';
import userRoutes from './admin-users.js';

/** The Admin section's API (/api/admin/…): accounts, archives, sign-up mode. Limits: admin-limits.ts. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(userRoutes);
  await app.register(archiveRoutes);
  const { settings, egressProxy } = app.services;
  const current = () => ({
    signup: settings.signupMode(),
    custom_domains: settings.customDomains(),
    egress: settings.egressMode(),
    egress_allow: [...settings.egressAllow()],
  });

  app.get('/api/admin/settings', {
    config: { access: 'admin' },
    schema: { tags: ['admin'], summary: "The instance's settings: who may sign up, whether custom domains are allowed, what users' code may reach on the internet", response: responses({ 200: SettingsSchema }) },
  }, async () => current());

  app.patch('/api/admin/settings', {
    config: { access: 'admin' },
    schema: { tags: ['admin'], summary: "Change the instance's settings (kept across restarts)", body: SettingsPatchSchema, response: responses({ 200: SettingsSchema }) },
  }, async (request) => {
    if (request.body.signup !== undefined) {
      settings.setSignupMode(request.body.signup);
      request.log.info({ admin: request.principal!.username, signup: request.body.signup }, 'sign-up mode changed');
    }
    if (request.body.custom_domains !== undefined) {
      settings.setCustomDomains(request.body.custom_domains);
      request.log.info({ admin: request.principal!.username, custom_domains: request.body.custom_domains }, 'custom domains allowed or not');
    }
    if (request.body.egress_allow !== undefined) {
      const before = settings.egressAllow().join('\n');
      const allow = settings.setEgressAllow(request.body.egress_allow);
      request.log.info({ admin: request.principal!.username, egress_allow: allow }, 'egress allowlist changed');
      // Awaited: when the answer comes, the proxy already goes by the new list.
      if (allow.join('\n') !== before) await egressProxy.apply();
    }
    return current();
  });
};

export default routes;
