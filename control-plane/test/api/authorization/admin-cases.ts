import { adminOnly, type Case } from './matrix-cases.js';

/** /api/admin/...: accounts, archives and instance settings, for admins. */
export const ADMIN_CASES: Record<string, Case> = {
  // Limits: null puts each back as it was, so the cases change nothing the others rely on.
  'GET /api/admin/limits': { request: async () => ({ url: '/api/admin/limits' }), expect: adminOnly(200) },
  'PATCH /api/admin/limits': { request: async () => ({ url: '/api/admin/limits', payload: { consoles: null } }), expect: adminOnly(200) },
  'PATCH /api/admin/users/:username/limits': {
    request: async (ctx) => ({ url: `/api/admin/users/${ctx.owner.username}/limits`, payload: { memory_mb: null } }),
    expect: adminOnly(200),
  },
};
