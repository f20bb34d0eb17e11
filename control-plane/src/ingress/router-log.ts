import os from 'node:os';

// The router's own log: pino-compatible JSON lines on stdout (pino-pretty
// can render them), so `npm start` shows api and router lines alike. The
// router logs only lifecycle events and problems, never per request: that
// is what the access logs are for.

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
export type Level = keyof typeof LEVELS;

export interface RouterLog {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export function createRouterLog(level: string, write: (line: string) => void = (l) => process.stdout.write(l)): RouterLog {
  const min = LEVELS[level as Level] ?? LEVELS.info;
  const base = { pid: process.pid, hostname: os.hostname(), name: 'router' };
  const at = (lvl: Level) => (fields: object, msg: string) => {
    if (LEVELS[lvl] < min) return;
    write(JSON.stringify({ level: LEVELS[lvl], time: Date.now(), ...base, ...errorFields(fields), msg }) + '\n');
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function errorFields(fields: object): object {
  const err = (fields as { err?: unknown }).err;
  if (!(err instanceof Error)) return fields;
  return { ...fields, err: { type: err.name, message: err.message, code: (err as NodeJS.ErrnoException).code, stack: err.stack } };
}

export const silentLog: RouterLog = { debug() {}, info() {}, warn() {}, error() {} };
