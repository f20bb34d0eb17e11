import { uniqueName, asToken } from '../../helpers/test-app.js';
import { anyone, signedIn, type Case } from './matrix-cases.js';

/** Health, the instance, sign-up, login, setup, /me and API tokens. */
export const ACCOUNT_CASES: Record<string, Case> = {
  'GET /api/health': { request: async () => ({ url: '/api/health' }), expect: anyone(200) },
  'GET /api/instance': { request: async () => ({ url: '/api/instance' }), expect: anyone(200) },
  'POST /api/auth/signup': {
    request: async () => ({ url: '/api/auth/signup', payload: { username: uniqueName('s'), password: 'password123' } }),
    // Sign-up is closed on this instance: only an admin may create accounts.
    expect: { anonymous: 403, other: 403, ownerCookie: 403, ownerToken: 403, revokedToken: 401, teacher: 403, formerTeacher: 403, admin: 201 },
  },
  'POST /api/auth/login': {
    request: async () => ({ url: '/api/auth/login', payload: { username: uniqueName('nobody'), password: 'wrong-password' } }),
    expect: anyone(401),
  },
  // This instance has accounts (the admin from the environment): setup is over for everyone.
  'GET /api/auth/setup': { request: async () => ({ url: '/api/auth/setup' }), expect: anyone(200) },
  'POST /api/auth/setup': {
    request: async () => ({ url: '/api/auth/setup', payload: { token: 'x'.repeat(43), username: uniqueName('s'), password: 'password123' } }),
    expect: anyone(409),
  },
  'GET /api/auth/me': { request: async () => ({ url: '/api/auth/me' }), expect: signedIn(200) },
  'GET /api/auth/tokens': { request: async () => ({ url: '/api/auth/tokens' }), expect: signedIn(200) },
  'POST /api/auth/tokens': { request: async () => ({ url: '/api/auth/tokens', payload: { name: 'matrix' } }), expect: signedIn(201) },
  'DELETE /api/auth/tokens/:id': {
    request: async (ctx) => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: asToken(ctx.owner.token), payload: { name: 'victim' } });
      return { url: `/api/auth/tokens/${res.json().id}` };
    },
    // Tokens are personal: not even an admin revokes another user's here.
    expect: { anonymous: 401, other: 404, ownerCookie: 204, ownerToken: 204, revokedToken: 401, teacher: 404, formerTeacher: 404, admin: 404 },
  },
};
