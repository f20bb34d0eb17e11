import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { userDirs } from '../../domain/layout.js';
import { openLogFile } from '../logs/log-reader.js';

/** `/var/log/<domain>.error.log` on the host. */
export function errorLogPath(dataDir: string, username: string, domain: string): string {
  return path.join(userDirs(dataDir, username).log, `${domain}.error.log`);
}

/** `/var/log/<domain>.server.log` on the host. */
export function serverLogPath(dataDir: string, username: string, domain: string): string {
  return path.join(userDirs(dataDir, username).log, `${domain}.server.log`);
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
 * Adds a line to an app's error or server log from the control plane: when
 * its container is gone, or before one starts (the gateway writes the logs
 * while it runs, a line at a time, with O_APPEND as here). The api is root and the folder is the
 * user's: the file is opened without following a link or blocking on a
 * FIFO, must be a plain file, and a new one is handed to the user through
 * its descriptor (a chown by path would follow a planted symlink: chown
 * /etc/shadow to the user). `owner`: the user's uid and the router's group.
 */
export async function appendAppLog(file: string, message: string, owner: { uid: number; gid: number } | null): Promise<void> {
  const line = `${new Date().toISOString()} [pyhost] ${message}\n`;
  const handle = await fsp.open(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, 0o660);
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.nlink > 1) throw new Error(`${file} is not a plain log file; not writing to it`);
    if (owner !== null && st.uid === 0) await handle.chown(owner.uid, owner.gid);
    await handle.write(line);
  } finally {
    await handle.close();
  }
}
