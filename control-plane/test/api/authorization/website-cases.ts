import { asToken } from '../../helpers/test-app.js';
import { owned, type Case, type Ctx } from './matrix-cases.js';

let made = 0;
const v1 = (ctx: Ctx, rest: string) => `/api/v1/user/${ctx.owner.username}${rest}`;

/** A fresh website of the owner's, made through the API as the owner. */
async function newWebsite(ctx: Ctx): Promise<string> {
  const domain = `site${++made}.${ctx.owner.username}.localhost`;
  const payload = { domain_name: domain, enabled: true, webapp: { command: 'python3 -m my_server' } };
  const res = await ctx.app.inject({ method: 'POST', url: v1(ctx, '/websites/'), headers: asToken(ctx.owner.token), payload });
  if (res.statusCode !== 201) throw new Error(`create website: ${res.statusCode} ${res.body}`);
  return domain;
}

const onWebsite = (rest: string, ok: number): Case => ({
  request: async (ctx) => ({ url: v1(ctx, `/websites/${await newWebsite(ctx)}/${rest}`) }),
  expect: owned(ok),
});

/** Websites (docs/websites.md), PythonAnywhere's v1 API: the owner's things, like web apps. */
export const WEBSITE_CASES: Record<string, Case> = {
  'GET /api/v1/user/:username/websites/': { request: async (ctx) => ({ url: v1(ctx, '/websites/') }), expect: owned(200) },
  'POST /api/v1/user/:username/websites/': {
    request: async (ctx) => ({ url: v1(ctx, '/websites/'), payload: { domain_name: `new${++made}.${ctx.owner.username}.localhost`, enabled: true, webapp: { command: 'python3 -m my_server' } } }),
    expect: owned(201),
  },
  'GET /api/v1/user/:username/websites/:domain/': onWebsite('', 200),
  'DELETE /api/v1/user/:username/websites/:domain/': onWebsite('', 204),
  'POST /api/v1/user/:username/websites/:domain/reload/': onWebsite('reload/', 200),
};
