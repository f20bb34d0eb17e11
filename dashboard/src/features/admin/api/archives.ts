import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AdminUser, Archive } from './types';
import { archivesKey, usersKey } from './keys';

const archive = (name: string, ...rest: string[]) => ['/api/admin/archives', encodeURIComponent(name), ...rest].join('/');

export const getArchives = () => api<{ archives: Archive[] }>('/api/admin/archives').then((r) => r.archives);
export const restoreArchive = (name: string, body: { username?: string; password?: string }) =>
  // The password is there when the archive kept none: one was made, shown once.
  api<AdminUser & { password?: string }>(archive(name, 'restore'), { method: 'POST', json: body });
export const deleteArchive = (name: string) => api<void>(archive(name), { method: 'DELETE' });

export const archivesQueryOptions = () => queryOptions({ queryKey: archivesKey, queryFn: getArchives });

export const useArchives = () => useQuery(archivesQueryOptions());

export function useRestoreArchive() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, ...body }: { name: string; username?: string; password?: string }) => restoreArchive(name, body),
    onSuccess: () => Promise.all([client.invalidateQueries({ queryKey: archivesKey }), client.invalidateQueries({ queryKey: usersKey })]),
  });
}

export function useDeleteArchive() {
  const client = useQueryClient();
  return useMutation({ mutationFn: deleteArchive, onSuccess: () => client.invalidateQueries({ queryKey: archivesKey }) });
}
