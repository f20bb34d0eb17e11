// Names of a web app's log files in /var/log (see docs/runtime-contract.md,
// "Logs"): <domain>.<kind>.log, rotated to .1, then gzipped as .2.gz, ….
// Pure: no I/O here.

export const LOG_KINDS = ['access', 'error', 'server'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export interface LogFileName {
  readonly kind: LogKind;
  /** 0 for the live file, 1 for the newest rotated one, and so on. */
  readonly rotation: number;
  readonly compressed: boolean;
}

/** The highest rotation number we look at; the gateway keeps far fewer. */
export const MAX_ROTATION = 99;

export function logFileName(domain: string, kind: LogKind, rotation = 0, compressed = false): string {
  const base = `${domain}.${kind}.log`;
  if (rotation === 0) return base;
  return `${base}.${rotation}${compressed ? '.gz' : ''}`;
}

/**
 * Recognises one of this web app's log files by name; anything else (another
 * app's logs, files the user put there) answers null.
 */
export function parseLogFileName(domain: string, name: string): LogFileName | null {
  const prefix = `${domain}.`;
  if (!name.startsWith(prefix)) return null;
  const m = /^(access|error|server)\.log(?:\.([1-9]\d?)(\.gz)?)?$/.exec(name.slice(prefix.length));
  if (!m) return null;
  const rotation = m[2] === undefined ? 0 : Number(m[2]);
  if (rotation > MAX_ROTATION) return null;
  return { kind: m[1] as LogKind, rotation, compressed: m[3] !== undefined };
}

/**
 * Splits text into lines for display. A trailing newline does not make an
 * extra empty line; CRLF endings lose their CR.
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
