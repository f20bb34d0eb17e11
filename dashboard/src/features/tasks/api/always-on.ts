import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';
import type { AlwaysOnInput, AlwaysOnTask } from './types';

const base = (username: string, ...rest: string[]) => userApi(username, 'always_on', ...rest, '');

export type AlwaysOnAction = 'restart' | 'stop' | 'start';

export const getAlwaysOnTasks = (username: string) => api<AlwaysOnTask[]>(base(username));
export const getAlwaysOnTask = (username: string, id: number) => api<AlwaysOnTask>(base(username, String(id)));
export const createAlwaysOnTask = (username: string, body: AlwaysOnInput) => api<AlwaysOnTask>(base(username), { method: 'POST', json: body });
export const updateAlwaysOnTask = (username: string, id: number, body: Partial<AlwaysOnInput>) =>
  api<AlwaysOnTask>(base(username, String(id)), { method: 'PATCH', json: body });
export const deleteAlwaysOnTask = (username: string, id: number) => api<void>(base(username, String(id)), { method: 'DELETE' });
export const alwaysOnAction = (username: string, id: number, action: AlwaysOnAction) => api<AlwaysOnTask>(base(username, String(id), action), { method: 'POST' });

export const alwaysOnKey = (username: string) => ['tasks', username, 'always_on'] as const;

/** Quick polls while a task is on its way up (starting, restarting), slow ones once it is settled. */
export const alwaysOnPollMs = (tasks: AlwaysOnTask[] | undefined) => (tasks?.some((t) => t.state === 'starting' || t.state === 'restarting') ? 2_000 : 10_000);

export const alwaysOnTasksQueryOptions = (username: string) =>
  queryOptions({ queryKey: alwaysOnKey(username), queryFn: () => getAlwaysOnTasks(username), refetchInterval: (q) => alwaysOnPollMs(q.state.data) });

export const alwaysOnTaskQueryOptions = (username: string, id: number) =>
  queryOptions({ queryKey: [...alwaysOnKey(username), id] as const, queryFn: () => getAlwaysOnTask(username, id) });

export const useAlwaysOnTasks = (username: string) => useQuery(alwaysOnTasksQueryOptions(username));
export const useAlwaysOnTask = (username: string, id: number, enabled = true) => useQuery({ ...alwaysOnTaskQueryOptions(username, id), enabled });

function useAlwaysOnMutation<V, R>(username: string, fn: (v: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => client.invalidateQueries({ queryKey: alwaysOnKey(username) }) });
}

export const useCreateAlwaysOnTask = (username: string) => useAlwaysOnMutation(username, (body: AlwaysOnInput) => createAlwaysOnTask(username, body));
export const useUpdateAlwaysOnTask = (username: string) =>
  useAlwaysOnMutation(username, ({ id, body }: { id: number; body: Partial<AlwaysOnInput> }) => updateAlwaysOnTask(username, id, body));
export const useDeleteAlwaysOnTask = (username: string) => useAlwaysOnMutation(username, (id: number) => deleteAlwaysOnTask(username, id));
export const useAlwaysOnAction = (username: string) =>
  useAlwaysOnMutation(username, ({ id, action }: { id: number; action: AlwaysOnAction }) => alwaysOnAction(username, id, action));
