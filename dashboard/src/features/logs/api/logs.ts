import { api, userApi, userApiV1 } from '@/lib/api-client';
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

/** Whose logs: a web app's (API v0) or a website's (v1); both have the same log routes. */
export type LoggedSite = 'webapp' | 'website';

const logsBase = (username: string, domain: string, site: LoggedSite = 'webapp') =>
  site === 'website' ? userApiV1(username, 'websites', domain, 'logs') : userApi(username, 'webapps', domain, 'logs');

export const getLogTail = (username: string, domain: string, kind: LogKind, rotation: number, lines: number, site?: LoggedSite) =>
  api<LogTail>(`${logsBase(username, domain, site)}/${kind}/?lines=${lines}&rotation=${rotation}`);

export const getLogFiles = (username: string, domain: string, site?: LoggedSite) => api<LogFile[]>(`${logsBase(username, domain, site)}/`);

/** The SSE endpoint that follows the live log from `offset`. */
export const logStreamUrl = (username: string, domain: string, kind: LogKind, offset: number, site?: LoggedSite) =>
  `${logsBase(username, domain, site)}/${kind}/stream/?offset=${offset}`;

export const logDownloadUrl = (username: string, domain: string, kind: LogKind, rotation: number, site?: LoggedSite) =>
  `${logsBase(username, domain, site)}/${kind}/download/?rotation=${rotation}`;

/** One of a web app's (or a website's) logs, for the log viewer. */
export function webappLogSource(username: string, domain: string, kind: LogKind, site: LoggedSite = 'webapp'): LogSource {
  return {
    key: [username, site, domain, kind],
    fileName: `${domain}.${kind}.log`,
    tail: (rotation, lines) => getLogTail(username, domain, kind, rotation, lines, site),
    files: async () => (await getLogFiles(username, domain, site)).filter((f) => f.kind === kind),
    streamUrl: (offset) => logStreamUrl(username, domain, kind, offset, site),
    downloadUrl: (rotation) => logDownloadUrl(username, domain, kind, rotation, site),
  };
}
