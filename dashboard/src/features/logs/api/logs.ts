import { api, userApi } from '@/lib/api-client';
import type { LogKind } from '@/lib/paths';
import type { LogSource, LogTail } from './log-source';

export type { LogTail };

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

/** One of a web app's logs, for the log viewer. */
export function webappLogSource(username: string, domain: string, kind: LogKind): LogSource {
  return {
    key: [username, domain, kind],
    fileName: `${domain}.${kind}.log`,
    tail: (rotation, lines) => getLogTail(username, domain, kind, rotation, lines),
    files: async () => (await getLogFiles(username, domain)).filter((f) => f.kind === kind),
    streamUrl: (offset) => logStreamUrl(username, domain, kind, offset),
    downloadUrl: (rotation) => logDownloadUrl(username, domain, kind, rotation),
  };
}
