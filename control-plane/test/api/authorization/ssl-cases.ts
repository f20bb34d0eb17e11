import { asToken } from '../../helpers/test-app.js';
import { createUploadCerts, type UploadCerts } from '../../helpers/upload-certs.js';
import { owned, v0, type Case, type Ctx } from './matrix-cases.js';

// The ssl/ endpoints (v0's web apps, v1's domains): the owner's things. GET
// and DELETE find a certificate there (uploaded as the owner first), so a
// 404 is the stranger's, never "no certificate".

let ca: UploadCerts | null = null;
function certs(): UploadCerts {
  if (!ca) {
    const made = createUploadCerts();
    process.once('exit', () => made.close());
    ca = made;
  }
  return ca;
}

// One wildcard certificate serves every web app of the owner's (each <name>.<owner>.localhost): openssl runs once.
const leaves = new Map<string, { cert: string; key: string }>();
const upload = (domain: string) => {
  const parent = domain.slice(domain.indexOf('.') + 1);
  if (!leaves.has(parent)) leaves.set(parent, certs().leaf([`*.${parent}`]));
  const leaf = leaves.get(parent)!;
  return { cert: leaf.cert + certs().intermediate, private_key: leaf.key };
};

async function withCertificate(ctx: Ctx, url: string, domain: string): Promise<void> {
  const res = await ctx.app.inject({ method: 'POST', url, headers: asToken(ctx.owner.token), payload: upload(domain) });
  if (res.statusCode !== 200) throw new Error(`upload: ${res.statusCode} ${res.body}`);
}

const webappSsl = (method: 'GET' | 'POST' | 'DELETE', ok: number): Case => ({
  request: async (ctx) => {
    const domain = await ctx.newWebapp();
    const url = v0(ctx, `/webapps/${domain}/ssl/`);
    if (method !== 'POST') await withCertificate(ctx, url, domain);
    return { url, ...(method === 'POST' ? { payload: upload(domain) } : {}) };
  },
  expect: owned(ok),
});

const domainSsl = (method: 'GET' | 'POST' | 'DELETE', ok: number): Case => ({
  request: async (ctx) => {
    const domain = await ctx.newWebapp();
    const url = `/api/v1/user/${ctx.owner.username}/domains/${domain}/ssl/`;
    if (method !== 'POST') await withCertificate(ctx, url, domain);
    return { url, ...(method === 'POST' ? { payload: upload(domain) } : {}) };
  },
  expect: owned(ok),
});

export const SSL_CASES: Record<string, Case> = {
  'GET /api/v0/user/:username/webapps/:domain_name/ssl/': webappSsl('GET', 200),
  'POST /api/v0/user/:username/webapps/:domain_name/ssl/': webappSsl('POST', 200),
  'DELETE /api/v0/user/:username/webapps/:domain_name/ssl/': webappSsl('DELETE', 204),
  'GET /api/v1/user/:username/domains/': { request: async (ctx) => ({ url: `/api/v1/user/${ctx.owner.username}/domains/` }), expect: owned(200) },
  'GET /api/v1/user/:username/domains/:domain_name/': {
    request: async (ctx) => ({ url: `/api/v1/user/${ctx.owner.username}/domains/${await ctx.newWebapp()}/` }),
    expect: owned(200),
  },
  'GET /api/v1/user/:username/domains/:domain_name/ssl/': domainSsl('GET', 200),
  'POST /api/v1/user/:username/domains/:domain_name/ssl/': domainSsl('POST', 200),
  'DELETE /api/v1/user/:username/domains/:domain_name/ssl/': domainSsl('DELETE', 204),
};
