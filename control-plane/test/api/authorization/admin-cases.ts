import { adminToken, asToken, uniqueName } from '../../helpers/test-app.js';
import { adminOnly, type Case, type Ctx } from './matrix-cases.js';

/** An account just for one case (never the owner, whose credentials the other cases use). */
function throwaway(ctx: Ctx, disabled = false): string {
  const username = uniqueName('tw');
  const user = ctx.app.stores.users.insert(username, 'not-a-password-hash', false);
  if (disabled) ctx.app.stores.users.setDisabled(user.id, 'admin');
  return username;
}

/** An archive of a deleted account, made through the API as an admin. */
async function newArchive(ctx: Ctx): Promise<string> {
  const admin = asToken(await adminToken(ctx.app));
  const username = uniqueName('ar');
  const made = await ctx.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username } });
  if (made.statusCode !== 201) throw new Error(`create ${username}: ${made.statusCode} ${made.body}`);
  const res = await ctx.app.inject({ method: 'DELETE', url: `/api/admin/users/${username}`, headers: admin, payload: { confirm: username, files: 'archive' } });
  if (res.statusCode !== 200) throw new Error(`delete ${username}: ${res.statusCode} ${res.body}`);
  return res.json<{ archive: string }>().archive;
}

/** /api/admin/...: accounts, archives and instance settings, for admins. */
export const ADMIN_CASES: Record<string, Case> = {
  // Limits: null puts each back as it was, so the cases change nothing the others rely on.
  'GET /api/admin/limits': { request: async () => ({ url: '/api/admin/limits' }), expect: adminOnly(200) },
  'PATCH /api/admin/limits': { request: async () => ({ url: '/api/admin/limits', payload: { consoles: null } }), expect: adminOnly(200) },
  'PATCH /api/admin/users/:username/limits': {
    request: async (ctx) => ({ url: `/api/admin/users/${ctx.owner.username}/limits`, payload: { memory_mb: null } }),
    expect: adminOnly(200),
  },
  'GET /api/admin/users': { request: async () => ({ url: '/api/admin/users?search=u&sort=created_at&order=desc' }), expect: adminOnly(200) },
  'POST /api/admin/users': { request: async () => ({ url: '/api/admin/users', payload: { username: uniqueName('nu') } }), expect: adminOnly(201) },
  'POST /api/admin/users/bulk': {
    request: async () => ({ url: '/api/admin/users/bulk', payload: { text: `${uniqueName('bk')}\n${uniqueName('bk')},bulk-password-1` } }),
    expect: adminOnly(201),
  },
  // The owner has no expiry date: setting none changes nothing.
  'PATCH /api/admin/users/:username': { request: async (ctx) => ({ url: `/api/admin/users/${ctx.owner.username}`, payload: { expires_at: null } }), expect: adminOnly(200) },
  'POST /api/admin/users/:username/password': {
    request: async (ctx) => ({ url: `/api/admin/users/${throwaway(ctx)}/password`, payload: {} }),
    expect: adminOnly(200),
  },
  'POST /api/admin/users/:username/disable': { request: async (ctx) => ({ url: `/api/admin/users/${throwaway(ctx)}/disable` }), expect: adminOnly(200) },
  'POST /api/admin/users/:username/enable': { request: async (ctx) => ({ url: `/api/admin/users/${throwaway(ctx, true)}/enable` }), expect: adminOnly(200) },
  'DELETE /api/admin/users/:username': {
    request: async (ctx) => {
      const username = throwaway(ctx);
      return { url: `/api/admin/users/${username}`, payload: { confirm: username, files: 'erase' } };
    },
    expect: adminOnly(200),
  },
  'GET /api/admin/archives': { request: async () => ({ url: '/api/admin/archives' }), expect: adminOnly(200) },
  'POST /api/admin/archives/:name/restore': {
    request: async (ctx) => ({ url: `/api/admin/archives/${await newArchive(ctx)}/restore`, payload: {} }),
    expect: adminOnly(201),
  },
  'DELETE /api/admin/archives/:name': { request: async (ctx) => ({ url: `/api/admin/archives/${await newArchive(ctx)}` }), expect: adminOnly(204) },
  'GET /api/admin/settings': { request: async () => ({ url: '/api/admin/settings' }), expect: adminOnly(200) },
  'PATCH /api/admin/settings': { request: async () => ({ url: '/api/admin/settings', payload: {} }), expect: adminOnly(200) },
};
