import fs from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

/**
 * The dashboard's pages may run only the scripts we built: no inline script,
 * no eval, nothing from other origins. CodeMirror and React set styles via
 * the CSSOM (not blocked by style-src), so styles can be 'self' only too.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
});

const NOT_BUILT = 'The Pyhost dashboard has not been built. Run `npm run build` at the top of the repository, then reload this page.\n';

/** A regular file inside `root` named by a URL path, or null (then the SPA's index.html answers). */
async function builtFile(root: string, urlPath: string): Promise<string | null> {
  const segments = urlPath.split('/').filter(Boolean);
  if (segments.length === 0 || segments.some((s) => s === '..' || s === '.' || s.includes('\0'))) return null;
  const relative = segments.join('/');
  const stat = await fs.lstat(path.join(root, relative)).catch(() => null);
  return stat?.isFile() ? relative : null;
}

/**
 * Serves the built dashboard (dashboard/dist) at every path outside /api/:
 * files as they are, anything else as index.html so that the SPA's own
 * routes (/web/alice.localhost, /files/…) survive a page reload.
 */
const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const root = app.config.dashboardDir;
  // serve: false: only reply.sendFile; the one route below decides what to send.
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', index: false });

  app.get('/*', {
    config: { access: 'public' },
    schema: {
      hide: true,
      params: Type.Object({ '*': Type.String({ maxLength: 4096 }) }),
      response: { 200: Type.String(), 503: Type.String() },
    },
  }, async (request, reply) => {
    const urlPath = '/' + request.params['*'];
    if (urlPath === '/api' || urlPath.startsWith('/api/')) return reply.callNotFound();
    void reply.headers(DASHBOARD_HEADERS);
    const file = await builtFile(root, urlPath);
    if (file) {
      // Vite puts a content hash in every name under assets/: they never change.
      if (file.startsWith('assets/')) return reply.sendFile(file, { maxAge: '365d', immutable: true });
      return reply.header('Cache-Control', 'no-cache').sendFile(file, { cacheControl: false });
    }
    if (urlPath.startsWith('/assets/')) return reply.callNotFound();
    if (!(await builtFile(root, '/index.html'))) {
      return reply.status(503).header('Content-Type', 'text/plain; charset=utf-8').send(NOT_BUILT);
    }
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
};

export default dashboardRoutes;
