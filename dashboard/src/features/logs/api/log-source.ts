import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** The last lines of a log file, as the API answers them. */
export interface LogTail {
  file: string;
  lines: string[];
  /** The file has earlier lines than these. */
  truncated: boolean;
  /** Where the live stream continues from. */
  offset: number;
}

/** One file of a log, live (rotation 0) or rotated. */
export interface LogSourceFile {
  name: string;
  rotation: number;
  compressed: boolean;
  size: number;
  modified: string;
}

/**
 * Where a log viewer reads one log from: the web apps' logs and the tasks'
 * (docs/tasks.md, "Logs") answer the same, at different URLs.
 */
export interface LogSource {
  /** Identifies the log in the query cache. */
  key: readonly (string | number)[];
  /** The live file's name, until the API has said it. */
  fileName: string;
  tail(rotation: number, lines: number): Promise<LogTail>;
  files(): Promise<LogSourceFile[]>;
  streamUrl(offset: number): string;
  downloadUrl(rotation: number): string;
}

/**
 * A log served as `{base}/` (tail), `{base}/files/`, `{base}/stream/` and
 * `{base}/download/`, as the tasks' logs are.
 */
export function logSourceAt(base: string, fileName: string): LogSource {
  return {
    key: [base],
    fileName,
    tail: (rotation, lines) => api<LogTail>(`${base}/?lines=${lines}&rotation=${rotation}`),
    files: () => api<LogSourceFile[]>(`${base}/files/`),
    streamUrl: (offset) => `${base}/stream/?offset=${offset}`,
    downloadUrl: (rotation) => `${base}/download/?rotation=${rotation}`,
  };
}

export const useSourceTail = (source: LogSource, rotation: number, lines: number) =>
  useQuery(
    queryOptions({
      queryKey: ['logs', ...source.key, rotation, lines],
      queryFn: () => source.tail(rotation, lines),
      // The live view continues from this snapshot by streaming; never refetch it underneath.
      staleTime: Infinity,
      gcTime: 0,
    }),
  );

export const useSourceFiles = (source: LogSource) => useQuery(queryOptions({ queryKey: ['logs', ...source.key, 'files'], queryFn: () => source.files() }));
