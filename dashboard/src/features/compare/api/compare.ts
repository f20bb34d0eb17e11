import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CompareRun, CompareStart } from '@pyhost/control-plane/api-types';
import { api, userApi } from '@/lib/api-client';

export type { CompareRun };
export type ServerKind = CompareRun['current_server'];

export const getCompareRuns = (username: string, domain: string) => api<CompareRun[]>(userApi(username, 'webapps', domain, 'compare', ''));
export const startCompare = (username: string, domain: string, body: CompareStart) =>
  api<CompareRun>(userApi(username, 'webapps', domain, 'compare', ''), { method: 'POST', json: body });
/** The existing web-app API: a new server starts beside the old one, which goes once the new one answers. */
export const switchServer = (username: string, domain: string, server: ServerKind) =>
  api<unknown>(userApi(username, 'webapps', domain, ''), { method: 'PATCH', json: { server } });

export const compareRunsKey = (username: string, domain: string) => ['compare', username, domain] as const;

export const compareRunsQueryOptions = (username: string, domain: string) =>
  queryOptions({
    queryKey: compareRunsKey(username, domain),
    queryFn: () => getCompareRuns(username, domain),
    // A run measures for under a minute: follow it while it runs.
    refetchInterval: (q) => (q.state.data?.some((r) => r.state === 'running') ? 1000 : false),
  });

/**
 * The live app's server. The same query (key and request) as the Web tab's
 * own web-app query in features/webapps, so the two share one cache entry;
 * only the server is read here.
 */
export const useLiveServer = (username: string, domain: string) =>
  useQuery({
    queryKey: ['webapps', username, domain],
    queryFn: () => api<{ server: ServerKind }>(userApi(username, 'webapps', domain, '')),
    select: (w: { server: ServerKind }) => w.server,
  });

export const useCompareRuns = (username: string, domain: string) => useQuery(compareRunsQueryOptions(username, domain));

export function useStartCompare(username: string, domain: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CompareStart) => startCompare(username, domain, body),
    onSuccess: (run) => {
      client.setQueryData<CompareRun[]>(compareRunsKey(username, domain), (runs) => [run, ...(runs ?? []).filter((r) => r.id !== run.id)]);
    },
  });
}

export function useSwitchServer(username: string, domain: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (server: ServerKind) => switchServer(username, domain, server),
    // The Web tab's own queries (features/webapps) hold the app's settings: they look again.
    onSuccess: () => client.invalidateQueries({ queryKey: ['webapps', username] }),
  });
}
