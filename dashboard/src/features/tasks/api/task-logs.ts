import { userApi } from '@/lib/api-client';
import type { TaskKind } from './types';

/** The base of a task's log routes (docs/tasks.md, "Logs"), shaped like the web apps' for the log viewer. */
export const taskLogBase = (username: string, kind: TaskKind, id: number) => userApi(username, kind, String(id), 'log');

/** The log's file name in /var/log, as the API names it. */
export const taskLogFileName = (kind: TaskKind, id: number) => (kind === 'schedule' ? `tasklog-${id}.log` : `alwayson-log-${id}.log`);
