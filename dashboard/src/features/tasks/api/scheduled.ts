import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';
import type { ScheduleInput, ScheduledTask, TaskRun } from './types';

const base = (username: string, ...rest: string[]) => userApi(username, 'schedule', ...rest, '');

export const getScheduledTasks = (username: string) => api<ScheduledTask[]>(base(username));
export const getScheduledTask = (username: string, id: number) => api<ScheduledTask>(base(username, String(id)));
export const createScheduledTask = (username: string, body: ScheduleInput) => api<ScheduledTask>(base(username), { method: 'POST', json: body });
export const updateScheduledTask = (username: string, id: number, body: Partial<ScheduleInput>) =>
  api<ScheduledTask>(base(username, String(id)), { method: 'PATCH', json: body });
export const deleteScheduledTask = (username: string, id: number) => api<void>(base(username, String(id)), { method: 'DELETE' });
export const runScheduledTask = (username: string, id: number) => api<TaskRun>(base(username, String(id), 'run'), { method: 'POST' });
export const getTaskRuns = (username: string, id: number, limit: number) => api<TaskRun[]>(`${base(username, String(id), 'runs')}?limit=${limit}`);

export const scheduledKey = (username: string) => ['tasks', username, 'schedule'] as const;

/** Quick polls while a run is going (its result is due soon), slow ones otherwise. */
export const scheduledPollMs = (tasks: ScheduledTask[] | undefined) => (tasks?.some((t) => t.last_run?.outcome === 'running') ? 2_000 : 15_000);

export const scheduledTasksQueryOptions = (username: string) =>
  queryOptions({ queryKey: scheduledKey(username), queryFn: () => getScheduledTasks(username), refetchInterval: (q) => scheduledPollMs(q.state.data) });

export const scheduledTaskQueryOptions = (username: string, id: number) =>
  queryOptions({ queryKey: [...scheduledKey(username), id] as const, queryFn: () => getScheduledTask(username, id) });

/** The latest runs, newest first; followed closely while one is going. */
export const taskRunsQueryOptions = (username: string, id: number, limit: number) =>
  queryOptions({
    queryKey: [...scheduledKey(username), id, 'runs', limit] as const,
    queryFn: () => getTaskRuns(username, id, limit),
    refetchInterval: (q) => (q.state.data?.some((r) => r.outcome === 'running') ? 2_000 : false),
  });

export const useScheduledTasks = (username: string) => useQuery(scheduledTasksQueryOptions(username));
export const useTaskRuns = (username: string, id: number, limit: number, enabled: boolean) => useQuery({ ...taskRunsQueryOptions(username, id, limit), enabled });
export const useScheduledTask = (username: string, id: number, enabled = true) => useQuery({ ...scheduledTaskQueryOptions(username, id), enabled });

/** Any change to a scheduled task: the list is asked again afterwards. */
function useScheduledMutation<V, R>(username: string, fn: (v: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => client.invalidateQueries({ queryKey: scheduledKey(username) }) });
}

export const useCreateScheduledTask = (username: string) => useScheduledMutation(username, (body: ScheduleInput) => createScheduledTask(username, body));
export const useUpdateScheduledTask = (username: string) =>
  useScheduledMutation(username, ({ id, body }: { id: number; body: Partial<ScheduleInput> }) => updateScheduledTask(username, id, body));
export const useDeleteScheduledTask = (username: string) => useScheduledMutation(username, (id: number) => deleteScheduledTask(username, id));
export const useRunScheduledTask = (username: string) => useScheduledMutation(username, (id: number) => runScheduledTask(username, id));
