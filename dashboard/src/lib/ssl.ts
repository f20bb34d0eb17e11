import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '@/lib/api-client';

// A site's ssl/ endpoint: v0's …/webapps/{domain}/ssl/ for a web app, v1's
// …/domains/{domain}/ssl/ for any site (docs/https.md). Both answer alike, so
// everything here takes the URL.

/** GET …/ssl/ (control-plane schemas/ssl.ts SslInfo). */
export interface SslInfo {
  cert_type: 'letsencrypt-auto-renew' | 'manual';
  not_after: string | null;
  not_before: string | null;
  issuer_name: string | null;
  subject_alternate_names: string[];
  domains: string[];
  last_error: string | null;
}

export type SslUpload = { cert: string; private_key: string };
type SslChoice = SslUpload | { cert_type: 'letsencrypt-auto-renew' };

/** The site's certificate; null when it has none (the API's 404). */
export async function getSsl(url: string): Promise<SslInfo | null> {
  try {
    return await api<SslInfo>(url);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
export const setSsl = (url: string, body: SslChoice) => api<{ status: 'OK' }>(url, { method: 'POST', json: body });
export const deleteSsl = (url: string) => api<void>(url, { method: 'DELETE' });

const sslKey = (url: string) => ['ssl', url] as const;

/** How often a page looks again at something the api finishes in the background: a certificate being ordered, a DNS record being rechecked. */
export const BACKGROUND_REFETCH_MS = 10_000;

export const sslQueryOptions = (url: string) =>
  queryOptions({
    queryKey: sslKey(url),
    queryFn: () => getSsl(url),
    // None yet, or an automatic one still being ordered: the renewer may put it in at any moment.
    refetchInterval: (q) => (q.state.data === null || (q.state.data?.cert_type === 'letsencrypt-auto-renew' && q.state.data.not_after === null) ? BACKGROUND_REFETCH_MS : false),
  });

/** Whether a site's custom domain waits for its DNS record: the api rechecks it in the background, so its JSON changes by itself. */
export const waitsForDns = (site: { dns_status?: 'pending' | 'ok' | 'wrong' | null } | undefined) => site?.dns_status === 'pending' || site?.dns_status === 'wrong';

export const useSsl = (url: string) => useQuery(sslQueryOptions(url));

/** Your own certificate installed, the automatic one asked for instead, or the site's certificates removed. */
export function useSslMutations(url: string) {
  const client = useQueryClient();
  const onSuccess = () => client.invalidateQueries({ queryKey: sslKey(url) });
  return {
    upload: useMutation({ mutationFn: (body: SslUpload) => setSsl(url, body), onSuccess }),
    automatic: useMutation({ mutationFn: () => setSsl(url, { cert_type: 'letsencrypt-auto-renew' }), onSuccess }),
    remove: useMutation({ mutationFn: () => deleteSsl(url), onSuccess }),
  };
}
