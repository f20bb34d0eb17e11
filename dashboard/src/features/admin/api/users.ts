import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { archivesKey, usersKey } from './keys';
import type { AdminUser, BulkAccount, BulkOptions, CreatedUser, FilesChoice, LimitChanges, Limits, LimitOverrides, NewUser, UserPatch } from './types';

const user = (username: string, ...rest: string[]) => ['/api/admin/users', encodeURIComponent(username), ...rest].join('/');

export const getUsers = () => api<{ users: AdminUser[] }>('/api/admin/users').then((r) => r.users);
export const createUser = (body: NewUser) => api<CreatedUser>('/api/admin/users', { method: 'POST', json: body });
export const bulkCreateUsers = (body: BulkOptions & { text: string }) =>
  api<{ created: BulkAccount[] }>('/api/admin/users/bulk', { method: 'POST', json: body }).then((r) => r.created);
export const updateUser = (username: string, patch: UserPatch) => api<AdminUser>(user(username), { method: 'PATCH', json: patch });
export const resetPassword = (username: string, password?: string) =>
  api<{ password?: string | null }>(user(username, 'password'), { method: 'POST', json: password ? { password } : {} });
export const setDisabled = (username: string, disabled: boolean) =>
  api<AdminUser>(user(username, disabled ? 'disable' : 'enable'), { method: 'POST' });
export const deleteUser = (username: string, files: FilesChoice) =>
  api<{ archive: string | null }>(user(username), { method: 'DELETE', json: { confirm: username, files } });
export const setUserLimits = (username: string, changes: LimitChanges) =>
  api<{ limits: Limits; overrides: LimitOverrides }>(user(username, 'limits'), { method: 'PATCH', json: changes });

export const usersQueryOptions = () => queryOptions({ queryKey: usersKey, queryFn: getUsers });

/** Every account, fetched once; the page sorts and filters them itself (no request per keystroke). */
export const useUsers = () => useQuery(usersQueryOptions());

/** Puts an account's new state into the list at once, then asks the server for the whole list again. */
function replaceUser(client: QueryClient, next: Partial<AdminUser> & { username: string }) {
  client.setQueryData<AdminUser[]>(usersKey, (list) => list?.map((u) => (u.username === next.username ? { ...u, ...next } : u)));
  return client.invalidateQueries({ queryKey: usersKey });
}

const invalidateUsers = (client: QueryClient) => client.invalidateQueries({ queryKey: usersKey });

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => invalidateUsers(client) });
}

export function useBulkCreateUsers() {
  const client = useQueryClient();
  return useMutation({ mutationFn: bulkCreateUsers, onSuccess: () => invalidateUsers(client) });
}

export function useUpdateUser(username: string) {
  const client = useQueryClient();
  return useMutation({ mutationFn: (patch: UserPatch) => updateUser(username, patch), onSuccess: (u) => replaceUser(client, u) });
}

export function useResetPassword(username: string) {
  return useMutation({ mutationFn: (password?: string) => resetPassword(username, password) });
}

/** Disable or enable: the variable says which, so one row's button serves both. */
export function useSetDisabled() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ username, disabled }: { username: string; disabled: boolean }) => setDisabled(username, disabled),
    onSuccess: (u) => replaceUser(client, u),
  });
}

/**
 * `onDeleted` runs first, before the account leaves the cached list: a page
 * showing the account (which is about to have nothing to show) moves on.
 */
export function useDeleteUser(username: string, onDeleted?: (archive: string | null) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (files: FilesChoice) => deleteUser(username, files),
    onSuccess: ({ archive }) => {
      onDeleted?.(archive);
      client.setQueryData<AdminUser[]>(usersKey, (list) => list?.filter((u) => u.username !== username));
      return Promise.all([invalidateUsers(client), client.invalidateQueries({ queryKey: archivesKey })]);
    },
  });
}

export function useSetUserLimits(username: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (changes: LimitChanges) => setUserLimits(username, changes),
    onSuccess: ({ limits, overrides }) => replaceUser(client, { username, limits, overrides }),
  });
}
