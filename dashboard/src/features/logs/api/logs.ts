import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';
import type { LogKind } from '@/lib/paths';

export interface LogTail {
  file: string;
  lines: string[];
  /** The file has earlier lines than these. */
  truncated: boolean;
  /** Where the live stream continues from. */
  offset: number;
}

export interface LogFile {
  name: string;
  kind: LogKind;
  rotation: number;
  compressed: boolean;
  size: number;
  modified: string;
}

const logsBase = (username: string, domain: string) => userApi(username, 'webapps', domain, 'logs');

export const getLogTail = (username: string, domain: string, kind: LogKind, rotation: number, lines: number) =>
  api<LogTail>(`${logsBase(username, domain)}/${kind}/?lines=${lines}&rotation=${rotation}`);

export const getLogFiles = (username: string, domain: string) => api<LogFile[]>(`${logsBase(username, domain)}/`);

/** The SSE endpoint that follows the live log from `offset`. */
export const logStreamUrl = (username: string, domain: string, kind: LogKind, offset: number) =>
  `${logsBase(username, domain)}/${kind}/stream/?offset=${offset}`;

export const logDownloadUrl = (username: string, domain: string, kind: LogKind, rotation: number) =>
  `${logsBase(username, domain)}/${kind}/download/?rotation=${rotation}`;

export const logTailQueryOptions = (username: string, domain: string, kind: LogKind, rotation: number, lines: number) =>
  queryOptions({
    queryKey: ['logs', username, domain, kind, rotation, lines],
    queryFn: () => getLogTail(username, domain, kind, rotation, lines),
    // The live view continues from this snapshot by streaming; never refetch it underneath.
    staleTime: Infinity,
    gcTime: 0,
  });

export const useLogTail = (username: string, domain: string, kind: LogKind, rotation: number, lines: number) =>
  useQuery(logTailQueryOptions(username, domain, kind, rotation, lines));

export const logFilesQueryOptions = (username: string, domain: string) =>
  queryOptions({ queryKey: ['logs', username, domain, 'files'], queryFn: () => getLogFiles(username, domain) });

export const useLogFiles = (username: string, domain: string) => useQuery(logFilesQueryOptions(username, domain));
