import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, userApi } from '@/lib/api-client';

/** GET …/webapps/{domain}/ssl/ (control-plane schemas/ssl.ts SslInfo). */
export interface SslInfo {
  cert_type: 'letsencrypt-auto-renew' | 'manual';
  not_after: string | null;
  not_before: string | null;
  issuer_name: string | null;
  subject_alternate_names: string[];
  domains: string[];
  last_error: string | null;
}

const url = (username: string, domain: string) => userApi(username, 'webapps', domain, 'ssl', '');

/** The web app's certificate; null when it has none (the API's 404). */
export async function getSsl(username: string, domain: string): Promise<SslInfo | null> {
  try {
    return await api<SslInfo>(url(username, domain));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
export const uploadSsl = (username: string, domain: string, body: { cert: string; private_key: string }) =>
  api<{ status: 'OK' }>(url(username, domain), { method: 'POST', json: body });
export const deleteSsl = (username: string, domain: string) => api<void>(url(username, domain), { method: 'DELETE' });

const key = (username: string, domain: string) => ['webapps', username, domain, 'ssl'] as const;

export const sslQueryOptions = (username: string, domain: string) => queryOptions({ queryKey: key(username, domain), queryFn: () => getSsl(username, domain) });

export const useSsl = (username: string, domain: string) => useQuery(sslQueryOptions(username, domain));

export function useSslMutations(username: string, domain: string) {
  const client = useQueryClient();
  const onSuccess = () => client.invalidateQueries({ queryKey: key(username, domain) });
  return {
    upload: useMutation({ mutationFn: (body: { cert: string; private_key: string }) => uploadSsl(username, domain, body), onSuccess }),
    remove: useMutation({ mutationFn: () => deleteSsl(username, domain), onSuccess }),
  };
}
