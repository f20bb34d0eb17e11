import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/**
 * Makes way for a server to listen on a unix socket: creates the folder and
 * removes a socket file left behind by a process that died (kill -9). If a
 * live server still answers there, refuses instead of stealing its address.
 */
export async function prepareUnixSocket(socketPath: string): Promise<void> {
  await fs.mkdir(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  const stat = await fs.lstat(socketPath).catch(() => null);
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket; remove it or choose another path`);
  if (await socketAnswers(socketPath)) throw new Error(`another server is already listening on ${socketPath}`);
  await fs.rm(socketPath, { force: true });
}

/** Whether a server accepts connections on a unix socket (a stale socket file does not count). */
export function socketAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
}
