import fp from 'fastify-plugin';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { parse } from 'node:querystring';

/**
 * PythonAnywhere's own clients send form-encoded bodies, and Python's
 * `requests` writes booleans as "True"/"False"; those become JSON-style
 * values so the route schemas can coerce them like any other input.
 */
function parseForm(body: string): Record<string, unknown> {
  const parsed = parse(body);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    out[key] = v === 'True' ? 'true' : v === 'False' ? 'false' : v;
  }
  return out;
}

export default fp(
  async (app) => {
    await app.register(formbody, { parser: parseForm });
    // A POST with no body at all (`curl -X POST …/reload/`) is an empty object,
    // so schemas say which fields are missing instead of "body must be object".
    app.addHook('preValidation', async (request) => {
      if (request.body == null && ['POST', 'PUT', 'PATCH'].includes(request.method)) request.body = {};
    });
    // Files stream straight to disk; the per-request size limit is set by the route.
    await app.register(multipart, { limits: { fields: 10, files: 1, fileSize: app.config.maxUploadBytes } });
  },
  { name: 'body-parsers', dependencies: ['store'] },
);
