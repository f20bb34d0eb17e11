import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApiV1 } from '@/lib/api-client';
import { BACKGROUND_REFETCH_MS, waitsForDns } from '@/lib/ssl';
import type { Website, WebsiteCreate, WebsitePatch } from '@pyhost/control-plane/api-types';

export type { Website, WebsiteState } from '@pyhost/control-plane/api-types';

// PythonAnywhere's API v1 websites (docs/websites.md): a command that serves HTTP on $DOMAIN_SOCKET.
export const getWebsites = (username: string) => api<Website[]>(userApiV1(username, 'websites', ''));
export const getWebsite = (username: string, domain: string) => api<Website>(userApiV1(username, 'websites', domain, ''));
export const createWebsite = (username: string, body: WebsiteCreate) => api<Website>(userApiV1(username, 'websites', ''), { method: 'POST', json: body });
export const updateWebsite = (username: string, domain: string, patch: WebsitePatch) =>
  api<Website>(userApiV1(username, 'websites', domain, ''), { method: 'PATCH', json: patch });
export const deleteWebsite = (username: string, domain: string) => api<void>(userApiV1(username, 'websites', domain, ''), { method: 'DELETE' });
export const reloadWebsite = (username: string, domain: string) => api<{ status: 'OK' }>(userApiV1(username, 'websites', domain, 'reload', ''), { method: 'POST' });

export const websitesKey = (username: string) => ['websites', username] as const;
export const websiteKey = (username: string, domain: string) => ['websites', username, domain] as const;

export const websitesQueryOptions = (username: string) => queryOptions({ queryKey: websitesKey(username), queryFn: () => getWebsites(username) });
export const websiteQueryOptions = (username: string, domain: string) =>
  queryOptions({
    queryKey: websiteKey(username, domain),
    queryFn: () => getWebsite(username, domain),
    // A custom domain waiting for DNS is rechecked by the api in the background.
    refetchInterval: (q) => (waitsForDns(q.state.data) ? BACKGROUND_REFETCH_MS : false),
  });

export const useWebsites = (username: string) => useQuery(websitesQueryOptions(username));
export const useWebsite = (username: string, domain: string) => useQuery(websiteQueryOptions(username, domain));

/** Everything about this user's websites may have changed: fetch again. */
function useInvalidate(username: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: websitesKey(username) });
}

export function useCreateWebsite(username: string) {
  const invalidate = useInvalidate(username);
  return useMutation({ mutationFn: (body: WebsiteCreate) => createWebsite(username, body), onSuccess: invalidate });
}

/** Enable, disable, a new command or Python version; the answer is the website as it is now (last_error says when it does not serve). */
export function useUpdateWebsite(username: string, domain: string) {
  const client = useQueryClient();
  const invalidate = useInvalidate(username);
  return useMutation({
    mutationFn: (patch: WebsitePatch) => updateWebsite(username, domain, patch),
    onSuccess: (site) => {
      client.setQueryData(websiteKey(username, domain), site);
      return invalidate();
    },
  });
}

export function useReloadWebsite(username: string, domain: string) {
  const invalidate = useInvalidate(username);
  return useMutation({ mutationFn: () => reloadWebsite(username, domain), onSettled: invalidate });
}

export function useDeleteWebsite(username: string, domain: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => deleteWebsite(username, domain),
    onSuccess: () => {
      client.removeQueries({ queryKey: websiteKey(username, domain) });
      return client.invalidateQueries({ queryKey: websitesKey(username) });
    },
  });
}
