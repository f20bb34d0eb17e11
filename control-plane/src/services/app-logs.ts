import fsp from 'node:fs/promises';
import path from 'node:path';
import { userDirs } from '../domain/layout.js';
import { openLogFile } from './log-reader.js';

/** `/var/log/<domain>.error.log` on the host. */
export function errorLogPath(dataDir: string, username: string, domain: string): string {
  return path.join(userDirs(dataDir, username).log, `${domain}.error.log`);
}

/** The last lines of a log, reading at most the final 16 KiB; empty when there is none. */
export async function logTail(file: string, lines = 40): Promise<string> {
  // The log folder is the user's: never follow a symlink planted as the log.
  const handle = await openLogFile(file).catch(() => null);
  if (!handle) return '';
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').split('\n').slice(-lines - 1).join('\n').trimEnd();
  } finally {
    await handle.close();
  }
}

/**
 * Adds a line to an app's error log from the control plane. Only used when
 * the app's container is gone (the gateway writes the log while it runs), so
 * the two never write at once.
 */
export async function appendErrorLog(file: string, message: string, uid: number | null): Promise<void> {
  const line = `${new Date().toISOString()} [pyhost] ${message}\n`;
  await fsp.appendFile(file, line, { mode: 0o644 });
  if (uid !== null) await fsp.chown(file, uid, uid).catch(() => undefined);
}
