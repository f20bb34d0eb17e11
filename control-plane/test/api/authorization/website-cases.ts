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

/** One website of the owner's for the calls that change nothing (reading its logs). */
const readOnly = new WeakMap<Ctx, Promise<string>>();
function sharedWebsite(ctx: Ctx): Promise<string> {
  if (!readOnly.has(ctx)) readOnly.set(ctx, newWebsite(ctx));
  return readOnly.get(ctx)!;
}

const onSharedWebsite = (rest: string, ok: number): Case => ({
  request: async (ctx) => ({ url: v1(ctx, `/websites/${await sharedWebsite(ctx)}/${rest}`) }),
  expect: owned(ok),
});

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
  'PATCH /api/v1/user/:username/websites/:domain/': {
    request: async (ctx) => ({ url: v1(ctx, `/websites/${await newWebsite(ctx)}/`), payload: { enabled: false } }),
    expect: owned(200),
  },
  'POST /api/v1/user/:username/websites/:domain/reload/': onWebsite('reload/', 200),
  // The web apps' log routes, under the website (its logs exist from its creation on).
  'GET /api/v1/user/:username/websites/:domain_name/logs/': onSharedWebsite('logs/', 200),
  'GET /api/v1/user/:username/websites/:domain_name/logs/:kind/': onSharedWebsite('logs/error/?lines=5', 200),
  'GET /api/v1/user/:username/websites/:domain_name/logs/:kind/download/': onSharedWebsite('logs/error/download/', 200),
  // max_seconds=0: the stream opens and ends at once, so inject() returns.
  'GET /api/v1/user/:username/websites/:domain_name/logs/:kind/stream/': onSharedWebsite('logs/server/stream/?max_seconds=0', 200),
};
