import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';

/** A console as the API shows it (PythonAnywhere's fields plus Pyhost's state). */
export interface ConsoleInfo {
  id: number;
  user: string;
  executable: string;
  arguments: string;
  working_directory: string | null;
  name: string;
  console_url: string;
  state: 'running' | 'exited' | 'stopped';
  exit_code: number | null;
  exit_reason: string | null;
  created_at: string;
  websocket_url: string;
}

export interface NewConsole {
  executable: string;
  arguments?: string;
  working_directory?: string | null;
}

export const getConsoles = (username: string) => api<ConsoleInfo[]>(userApi(username, 'consoles', ''));
export const getConsole = (username: string, id: number) => api<ConsoleInfo>(userApi(username, 'consoles', String(id), ''));
export const startConsole = (username: string, body: NewConsole) => api<ConsoleInfo>(userApi(username, 'consoles', ''), { method: 'POST', json: body });
export const killConsole = (username: string, id: number) => api<void>(userApi(username, 'consoles', String(id), ''), { method: 'DELETE' });

const consolesKey = (username: string) => ['consoles', username] as const;

/** The list refreshes by itself: consoles end on their own (exit, idle). */
export const consolesQueryOptions = (username: string) =>
  queryOptions({ queryKey: consolesKey(username), queryFn: () => getConsoles(username), refetchInterval: 10_000 });

export const consoleQueryOptions = (username: string, id: number) =>
  queryOptions({ queryKey: [...consolesKey(username), id] as const, queryFn: () => getConsole(username, id) });

export const useConsoles = (username: string) => useQuery(consolesQueryOptions(username));
export const useConsole = (username: string, id: number) => useQuery(consoleQueryOptions(username, id));

export function useStartConsole(username: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewConsole) => startConsole(username, body),
    onSuccess: () => client.invalidateQueries({ queryKey: consolesKey(username) }),
  });
}

export function useKillConsole(username: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => killConsole(username, id),
    onSuccess: () => client.invalidateQueries({ queryKey: consolesKey(username) }),
  });
}

/** Refetch after the terminal reports that the process ended. */
export function useRefreshConsoles(username: string) {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: consolesKey(username) });
}
