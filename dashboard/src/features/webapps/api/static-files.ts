import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';
import type { StaticFile } from './types';

const base = (username: string, domain: string, ...rest: string[]) => userApi(username, 'webapps', domain, 'static_files', ...rest, '');

export const getStaticFiles = (username: string, domain: string) => api<StaticFile[]>(base(username, domain));
export const addStaticFile = (username: string, domain: string, body: { url: string; path: string }) =>
  api<StaticFile>(base(username, domain), { method: 'POST', json: body });
export const updateStaticFile = (username: string, domain: string, id: number, body: { url: string; path: string }) =>
  api<StaticFile>(base(username, domain, String(id)), { method: 'PATCH', json: body });
export const deleteStaticFile = (username: string, domain: string, id: number) => api<void>(base(username, domain, String(id)), { method: 'DELETE' });

const key = (username: string, domain: string) => ['webapps', username, domain, 'static_files'] as const;

export const staticFilesQueryOptions = (username: string, domain: string) =>
  queryOptions({ queryKey: key(username, domain), queryFn: () => getStaticFiles(username, domain) });

export const useStaticFiles = (username: string, domain: string) => useQuery(staticFilesQueryOptions(username, domain));

export function useStaticFileMutations(username: string, domain: string) {
  const client = useQueryClient();
  const onSuccess = () => client.invalidateQueries({ queryKey: key(username, domain) });
  return {
    add: useMutation({ mutationFn: (body: { url: string; path: string }) => addStaticFile(username, domain, body), onSuccess }),
    update: useMutation({ mutationFn: (v: { id: number; url: string; path: string }) => updateStaticFile(username, domain, v.id, { url: v.url, path: v.path }), onSuccess }),
    remove: useMutation({ mutationFn: (id: number) => deleteStaticFile(username, domain, id), onSuccess }),
  };
}
