import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { NewSession } from '../services/accounts/auth-service.js';
import type { DeviceCookie } from '../services/accounts/login-throttle.js';

/**
 * Who may call a route:
 * - `public`: anyone (sign-up, login, health, docs);
 * - `user`: any signed-in user, by session cookie or API token;
 * - `teacher`: a signed-in teacher or admin (invite codes, the Students page);
 * - `admin`: a signed-in admin (the Admin section, /api/admin/…).
 * Routes under /api/v0/user/{username}/ are `user` and additionally resolve
 * the owner (see routes/context.ts), answering 404 for anyone else's.
 */
export type Access = 'public' | 'user' | 'teacher' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    setSessionCookie(reply: FastifyReply, session: NewSession): void;
    clearSessionCookie(reply: FastifyReply): void;
    setDeviceCookie(reply: FastifyReply, cookie: DeviceCookie): void;
  }
}

export const SESSION_COOKIE = 'pyhost_session';
/** Read only by login, and kept through logout on purpose: the browser stays trusted (see LoginThrottle). */
export const DEVICE_COOKIE = 'pyhost_device';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A dashboard cookie's name for this request. Over HTTPS it carries the
 * `__Host-` prefix: a browser keeps such a cookie only when this very host
 * set it over HTTPS with Path=/ and no Domain, so no other host under the
 * same domain (a user's web app) can plant or overwrite it. Over plain HTTP
 * browsers refuse the prefix; there the router keeps apps' cookies off the
 * dashboard (router/cookie-domains.ts).
 */
export function cookieName(request: FastifyRequest, name: typeof SESSION_COOKIE | typeof DEVICE_COOKIE): string {
  return request.protocol === 'https' ? `__Host-${name}` : name;
}

/** The value of a dashboard cookie the request carries, under its name for this request. */
export function cookieOf(request: FastifyRequest, name: typeof SESSION_COOKIE | typeof DEVICE_COOKIE): string | undefined {
  return request.cookies[cookieName(request, name)];
}

function tokenFrom(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Token\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** An Origin header on a write must name this very host: a cheap guard beside the CSRF token. */
function checkOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  assertSameOrigin(request);
}

/**
 * Refuses a request whose Origin header names another site. WebSocket
 * handshakes are GETs that carry no CSRF header, so their routes call this
 * themselves; requests without an Origin (scripts, curl) pass.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new ForbiddenError('the Origin header is not a URL');
  }
  if (host.toLowerCase() !== (request.headers.host ?? '').toLowerCase()) {
    throw new ForbiddenError('cross-site request refused (Origin does not match this site)');
  }
}

export default fp(
  async (app) => {
    await app.register(cookie);
    const auth = app.services.auth;
    app.decorateRequest('principal', null);

    // Path=/ and no Domain always, Secure over HTTPS: what the __Host- prefix requires.
    app.decorate('setSessionCookie', (reply: FastifyReply, session: NewSession) => {
      void reply.setCookie(cookieName(reply.request, SESSION_COOKIE), session.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: reply.request.protocol === 'https',
        expires: session.expiresAt,
      });
    });
    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      void reply.clearCookie(cookieName(reply.request, SESSION_COOKIE), { path: '/', httpOnly: true, sameSite: 'lax', secure: reply.request.protocol === 'https' });
    });
    app.decorate('setDeviceCookie', (reply: FastifyReply, cookie: DeviceCookie) => {
      void reply.setCookie(cookieName(reply.request, DEVICE_COOKIE), cookie.value, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: reply.request.protocol === 'https',
        expires: cookie.expiresAt,
      });
    });

    app.addHook('onRequest', async (request) => {
      // Unknown URLs get a plain 404 whoever asks.
      const access = request.is404 ? 'public' : (request.routeOptions.config.access ?? 'user');
      checkOrigin(request);
      const token = tokenFrom(request);
      if (token === null) throw new UnauthenticatedError('the Authorization header must be "Token <your API token>"');
      if (token !== undefined) {
        request.principal = auth.fromApiToken(token);
        if (!request.principal) throw new UnauthenticatedError('that API token is not valid (revoked or mistyped)');
      } else {
        const cookieValue = cookieOf(request, SESSION_COOKIE);
        request.principal = cookieValue ? auth.fromSession(cookieValue) : null;
        if (request.principal && !SAFE_METHODS.has(request.method)) {
          const sent = request.headers[CSRF_HEADER];
          if (sent !== request.principal.csrfToken) {
            // On public routes (login, sign-up) a cookie without its CSRF token
            // simply does not count; elsewhere it is refused.
            if (access === 'public') request.principal = null;
            else throw new ForbiddenError(`missing or wrong ${CSRF_HEADER} header (get it from GET /api/auth/me)`);
          }
        }
      }
      if (access !== 'public' && !request.principal) {
        throw new UnauthenticatedError('log in, or send "Authorization: Token <your API token>"');
      }
      if (access === 'admin' && !request.principal!.isAdmin) throw new ForbiddenError('only an administrator may do this');
      if (access === 'teacher' && !request.principal!.isAdmin && !request.principal!.isTeacher) {
        throw new ForbiddenError('only a teacher or an administrator may do this (an administrator can make you a teacher)');
      }
    });
  },
  { name: 'authentication', dependencies: ['services'] },
);
