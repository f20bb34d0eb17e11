import type { FastifyInstance } from 'fastify';
import type { UserRow } from '../store/users-store.js';

/** The fields a web app's and a website's JSON add for a custom domain (schemas/ssl.ts CustomDomainFields). */
export function customDomainFields(app: FastifyInstance, owner: Pick<UserRow, 'id' | 'username'>, domain: string) {
  const view = app.services.customDomains.view(owner, domain);
  if (view === null) return { dns_status: null, custom_domain: null };
  const { dns_status, ...rest } = view;
  return { dns_status, custom_domain: { ...rest, dns_records: [...rest.dns_records] } };
}
