import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OwnerRole } from '../domain/principal.js';
import type { UserRow } from '../store/users-store.js';
import type { WebappRow } from '../store/webapps-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user named in /api/v0/user/{username}/, once the caller is known to act for them; use ownerOf(). */
    owner: UserRow | null;
    /** Why the caller may act on the owner's things (their own, an admin's, their teacher's). */
    ownerRole: OwnerRole | null;
    /** The web app named in …/webapps/{domain_name}/…, the owner's; use webappOf(). */
    webapp: WebappRow | null;
  }
}

/**
 * Resolves, once per request and before anything is validated or read, who
 * the URL is about: the owner of /api/v0/user/{username}/… and, under
 * …/webapps/{domain_name}/…, their web app. A stranger's URL (another
 * user's, or a web app that is not theirs) answers the same 404 whatever
 * its query or body, never a 400 about them, and a stranger's upload is
 * never read. Runs after authentication's onRequest hook. `webapps: false`
 * where {domain_name} names something else (v1's websites resolve their own).
 */
export function resolveRequestContext(app: FastifyInstance, { webapps = true }: { webapps?: boolean } = {}): void {
  app.decorateRequest('owner', null);
  app.decorateRequest('ownerRole', null);
  app.decorateRequest('webapp', null);
  app.addHook('onRequest', async (request) => {
    const { username, domain_name } = request.params as { username: string; domain_name?: string };
    const { owner, role } = app.services.ownerAccess.resolve(request.principal!, username);
    request.owner = owner;
    request.ownerRole = role;
    if (webapps && domain_name !== undefined) request.webapp = app.services.webapps.get(owner, domain_name);
  });
  // A teacher's or an admin's requests go into the owner's audit log, refused ones too.
  app.addHook('onResponse', async (request, reply) => audit(request, reply.statusCode));
}

/**
 * Writes the request into the owner's audit log when the caller is not the
 * owner. Routes that take the connection over (a console's WebSocket, a
 * log stream) call it themselves: their replies never reach onResponse.
 */
export function audit(request: FastifyRequest, status: number): void {
  if (request.owner === null || request.ownerRole === null || request.principal === null) return;
  request.server.services.audit.record({
    principal: request.principal,
    owner: request.owner,
    role: request.ownerRole,
    method: request.method,
    path: request.url.replace(/^\/api\/v0\/user\/[^/?]*/, '') || '/',
    status,
  });
}

/**
 * Ends the connection (`close`) as soon as its caller loses access to the
 * owner's things; the returned function forgets it, for when it ends by itself.
 */
export function endWhenAccessEnds(request: FastifyRequest, close: (reason: string) => void): () => void {
  return request.server.services.live.track({ principalId: request.principal!.userId, ownerId: ownerOf(request).id, close });
}

/** The owner of a route under /api/v0/user/{username}/. */
export function ownerOf(request: FastifyRequest): UserRow {
  if (request.owner === null) throw new Error(`${request.url}: the owner is resolved only under /api/v0/user/{username}/`);
  return request.owner;
}

/** The owner's web app of a route under …/webapps/{domain_name}/. */
export function webappOf(request: FastifyRequest): WebappRow {
  if (request.webapp === null) throw new Error(`${request.url}: the web app is resolved only under …/webapps/{domain_name}/`);
  return request.webapp;
}
