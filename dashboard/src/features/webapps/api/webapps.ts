import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';
import { BACKGROUND_REFETCH_MS, waitsForDns } from '@/lib/ssl';
import type { Webapp, WebappCreate, WebappPatch } from './types';

export const getWebapps = (username: string) => api<Webapp[]>(userApi(username, 'webapps', ''));
export const getWebapp = (username: string, domain: string) => api<Webapp>(userApi(username, 'webapps', domain, ''));
export const createWebapp = (username: string, body: WebappCreate) =>
  api<Webapp>(userApi(username, 'webapps', ''), { method: 'POST', json: body });
export const updateWebapp = (username: string, domain: string, patch: WebappPatch) =>
  api<Webapp>(userApi(username, 'webapps', domain, ''), { method: 'PATCH', json: patch });
export const deleteWebapp = (username: string, domain: string) => api<void>(userApi(username, 'webapps', domain, ''), { method: 'DELETE' });
export const webappAction = (username: string, domain: string, action: 'reload' | 'enable' | 'disable') =>
  api<{ status: 'OK' }>(userApi(username, 'webapps', domain, action, ''), { method: 'POST' });

export const webappsKey = (username: string) => ['webapps', username] as const;
export const webappKey = (username: string, domain: string) => ['webapps', username, domain] as const;

export const webappsQueryOptions = (username: string) =>
  queryOptions({
    queryKey: webappsKey(username),
    queryFn: () => getWebapps(username),
    refetchInterval: (q) => (q.state.data?.some((w) => w.state === 'starting') ? 1500 : false),
  });

export const webappQueryOptions = (username: string, domain: string) =>
  queryOptions({
    queryKey: webappKey(username, domain),
    queryFn: () => getWebapp(username, domain),
    // While an app starts, its custom domain waits for DNS, or it may fall asleep or be woken, it changes by itself: look again.
    refetchInterval: (q) => {
      const w = q.state.data;
      if (w?.state === 'starting') return 1500;
      return waitsForDns(w) || (w?.sleep_after_seconds ?? 0) > 0 || w?.state === 'sleeping' ? BACKGROUND_REFETCH_MS : false;
    },
  });

export const useWebapps = (username: string) => useQuery(webappsQueryOptions(username));
export const useWebapp = (username: string, domain: string) => useQuery(webappQueryOptions(username, domain));

/** Everything about this user's web apps may have changed: fetch again. */
function useInvalidate(username: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: webappsKey(username) });
}

export function useUpdateWebapp(username: string, domain: string) {
  const client = useQueryClient();
  const invalidate = useInvalidate(username);
  return useMutation({
    mutationFn: (patch: WebappPatch) => updateWebapp(username, domain, patch),
    onSuccess: (app) => {
      client.setQueryData(webappKey(username, domain), app);
      return invalidate();
    },
  });
}

export function useDeleteWebapp(username: string, domain: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => deleteWebapp(username, domain),
    onSuccess: () => {
      client.removeQueries({ queryKey: webappKey(username, domain) });
      return client.invalidateQueries({ queryKey: webappsKey(username) });
    },
  });
}

/** Reload, enable or disable; the app's state is fetched again afterwards either way. */
export function useWebappAction(username: string, domain: string, action: 'reload' | 'enable' | 'disable') {
  const invalidate = useInvalidate(username);
  return useMutation({ mutationFn: () => webappAction(username, domain, action), onSettled: invalidate });
}
