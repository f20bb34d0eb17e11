import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AccountLimits, LimitChanges, Limits, LimitsUserParams } from '../schemas/limits.js';
import { responses } from '../schemas/common.js';

/**
 * Limits per account: the instance's defaults and one account's own
 * overrides, for admins. A change applies to what the account starts next;
 * nothing running is stopped (docs/classroom.md, Limits).
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const limits = app.services.limits;

  app.get('/api/admin/limits', {
    config: { access: 'admin' },
    schema: { tags: ['admin'], summary: "The instance's default limits per account", response: responses({ 200: Limits }) },
  }, async () => limits.defaults());

  app.patch('/api/admin/limits', {
    config: { access: 'admin' },
    schema: {
      tags: ['admin'],
      summary: "Change the instance's default limits (null: back to the configured value)",
      body: LimitChanges,
      response: responses({ 200: Limits }),
    },
  }, async (request) => limits.setDefaults(request.body));

  app.patch('/api/admin/users/:username/limits', {
    config: { access: 'admin' },
    schema: {
      tags: ['admin'],
      summary: "Change one account's own limits (null: back to the instance's default)",
      params: LimitsUserParams,
      body: LimitChanges,
      response: responses({ 200: AccountLimits }),
    },
  }, async (request) => limits.setFor(request.params.username, request.body));
};

export default routes;
