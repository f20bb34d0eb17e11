import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AccountLimits, LimitChanges, Limits, LimitsUserParams } from '../schemas/limits.js';
import { responses } from '../schemas/common.js';

/**
 * Limits per account: the instance's defaults and one account's own
 * overrides, for admins. A change applies to what the account starts next;
 * nothing running is stopped (docs/classroom.md, Limits), but for a disk
 * quota: it takes effect at once (docs/disk-quotas.md).
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { limits, disks } = app.services;
  const users = app.stores.users;

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
  }, async (request) => {
    const quota = request.body.disk_mb;
    if (quota !== undefined) {
      const mb = quota ?? app.config.limits.disk_mb;
      // Only the accounts that follow the default: a disk too full for it refuses the change for all.
      for (const user of users.all()) if (limits.overridesOf(user).disk_mb === undefined) disks.checkQuota(user, mb);
    }
    const changed = limits.setDefaults(request.body);
    // Hundreds of accounts may follow the default: their disks are made or grown in the background, one at a time.
    if (quota !== undefined) void disks.ensureAll();
    return changed;
  });

  app.patch('/api/admin/users/:username/limits', {
    config: { access: 'admin' },
    schema: {
      tags: ['admin'],
      summary: "Change one account's own limits (null: back to the instance's default)",
      params: LimitsUserParams,
      body: LimitChanges,
      response: responses({ 200: AccountLimits }),
    },
  }, async (request) => {
    const user = users.byUsername(request.params.username);
    const quota = request.body.disk_mb;
    if (user && quota !== undefined) disks.checkQuota(user, quota ?? limits.defaults().disk_mb);
    const changed = limits.setFor(request.params.username, request.body);
    // Grown online, or made from the account's files (its containers restart on it): before the answer, so the answer is true.
    if (user && quota !== undefined) await disks.ensure(user);
    return changed;
  });
};

export default routes;
