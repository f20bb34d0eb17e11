import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { uidFor } from '../domain/layout.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { TokenRow } from '../store/tokens-store.js';
import type { UserRow } from '../store/users-store.js';
import { cookieOf, DEVICE_COOKIE, SESSION_COOKIE } from '../plugins/authentication.js';
import { Credentials, Me, NewToken, SignupRequest, SignupResult, TokenInfo, TokenParams, TokenRequest } from '../schemas/auth.js';
import { StatusOk, responses } from '../schemas/common.js';

function tokenInfo(row: TokenRow) {
  return { id: row.id, name: row.name, created_at: row.created_at, last_used_at: row.last_used_at };
}

/** Sign-up: someone making their own account, or an admin making one for someone. */
const signupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;
  const { config } = app;

  app.post('/api/auth/signup', {
    config: { access: 'public' },
    schema: {
      tags: ['accounts'],
      summary: 'Create an account (open sign-up, an invite code, or an admin creating one)',
      body: SignupRequest,
      response: responses({ 201: SignupResult }),
    },
  }, async (request, reply) => {
    const actor = request.principal;
    const user = await auth.signup(request.body.username, request.body.password, actor, request.body.code);
    // Someone signing themselves up is logged in at once; an admin stays who they are.
    if (!actor) app.setSessionCookie(reply, auth.startSession(user));
    return reply.status(201).send({ username: user.username, is_admin: user.is_admin === 1, uid: uidFor(config.uidBase, user.id) });
  });
};

/** The dashboard's session: logging in and out, and who is logged in. */
const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;
  const { config, stores } = app;

  /** Who is signed in, as the dashboard needs it. */
  const me = (user: UserRow, csrfToken: string | null) => ({
    username: user.username,
    is_admin: user.is_admin === 1,
    is_teacher: user.is_teacher === 1,
    teacher: user.teacher_id === null ? null : (stores.users.byId(user.teacher_id)?.username ?? null),
    expires_at: user.expires_at,
    uid: uidFor(config.uidBase, user.id),
    csrf_token: csrfToken,
    signup: app.services.settings.signupMode(),
    domain: config.domain,
  });

  app.post('/api/auth/login', {
    config: { access: 'public' },
    schema: { tags: ['accounts'], summary: 'Log in and receive a session cookie', body: Credentials, response: responses({ 200: Me }) },
  }, async (request, reply) => {
    const session = await auth.login(request.body.username, request.body.password, request.ip, cookieOf(request, DEVICE_COOKIE));
    app.setSessionCookie(reply, session);
    app.setDeviceCookie(reply, session.deviceCookie);
    return me(session.user, session.csrfToken);
  });

  app.post('/api/auth/logout', {
    config: { access: 'public' },
    schema: { tags: ['accounts'], summary: 'End this session', response: responses({ 200: StatusOk }) },
  }, async (request, reply) => {
    const cookie = cookieOf(request, SESSION_COOKIE);
    if (cookie && request.principal?.via === 'session') auth.logout(cookie);
    app.clearSessionCookie(reply);
    return { status: 'OK' as const };
  });

  app.get('/api/auth/me', {
    config: { access: 'public' },
    schema: { tags: ['accounts'], summary: 'Who is logged in', response: responses({ 200: Me }) },
  }, async (request) => {
    const p = request.principal;
    const user = p ? app.stores.users.byId(p.userId) : undefined;
    if (!p || !user) throw new UnauthenticatedError('not logged in');
    return me(user, p.csrfToken ?? null);
  });
};

/** API tokens: a signed-in user's own, for scripts and the PythonAnywhere-shaped API. */
const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;

  app.post('/api/auth/tokens', {
    schema: { tags: ['accounts'], summary: 'Create an API token (shown once)', body: TokenRequest, response: responses({ 201: NewToken }) },
  }, async (request, reply) => {
    const created = auth.createToken(request.principal!.userId, request.body.name ?? 'API token');
    return reply.status(201).send({ ...tokenInfo(created.row), token: created.token });
  });

  app.get('/api/auth/tokens', {
    schema: { tags: ['accounts'], summary: 'List your API tokens', response: responses({ 200: Type.Array(TokenInfo) }) },
  }, async (request) => auth.listTokens(request.principal!.userId).map(tokenInfo));

  app.delete('/api/auth/tokens/:id', {
    schema: { tags: ['accounts'], summary: 'Revoke an API token', params: TokenParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    auth.deleteToken(request.principal!.userId, request.params.id);
    return reply.status(204).send(null);
  });
};

/** Accounts, sessions and API tokens: what PythonAnywhere's API has no endpoint for. */
const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(signupRoutes);
  await app.register(sessionRoutes);
  await app.register(tokenRoutes);
};

export default authRoutes;
