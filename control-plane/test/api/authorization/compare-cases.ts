import { owned, v0, type Case, type Ctx } from './matrix-cases.js';

/** A fresh web app of the owner's with one finished comparison, recorded in the store (the matrix runs no load). */
async function webappWithRun(ctx: Ctx): Promise<{ domain: string; id: number }> {
  const domain = await ctx.newWebapp();
  const app = ctx.app.stores.webapps.byDomain(domain)!;
  const run = ctx.app.stores.compareRuns.insert({ webapp_id: app.id, user_id: app.user_id, path: '/', seconds: 1, current_server: app.server });
  ctx.app.stores.compareRuns.fail(run.id, 'recorded for the matrix');
  return { domain, id: run.id };
}

/** Compare servers (docs/compare-servers.md): the web app's owner, their teacher and admins. */
export const COMPARE_CASES: Record<string, Case> = {
  // A path the service refuses: 400 shows the caller got past authorization, and no run starts.
  'POST /api/v0/user/:username/webapps/:domain_name/compare/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${await ctx.newWebapp()}/compare/`), payload: { path: 'no-slash' } }),
    expect: owned(400),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/compare/': {
    request: async (ctx) => ({ url: v0(ctx, `/webapps/${(await webappWithRun(ctx)).domain}/compare/`) }),
    expect: owned(200),
  },
  'GET /api/v0/user/:username/webapps/:domain_name/compare/:id/': {
    request: async (ctx) => {
      const { domain, id } = await webappWithRun(ctx);
      return { url: v0(ctx, `/webapps/${domain}/compare/${id}/`) };
    },
    expect: owned(200),
  },
};
