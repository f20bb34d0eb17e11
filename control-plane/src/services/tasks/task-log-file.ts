import { constants as fsc } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Config } from '../../config.js';
import { uidFor } from '../../domain/layout.js';
import { taskLogName, type TaskLogKind } from '../../domain/task-log.js';
import { DirHandle } from '../../lib/beneath.js';
import type { UserRow } from '../../store/users-store.js';

/** Rotated files kept: .1, then .2.gz … .5.gz, as for web-app logs. */
export const TASK_LOG_KEEP = 5;

export interface TaskLogTarget {
  readonly dataDir: string;
  readonly username: string;
  readonly uid: number;
  readonly name: string;
}

/** The log of the user's task `id`, which the file must belong to (their uid). */
export function taskLogTarget(config: Config, user: UserRow, kind: TaskLogKind, id: number): TaskLogTarget {
  return { dataDir: config.dataDir, username: user.username, uid: uidFor(config.uidBase, user.id), name: taskLogName(kind, id) };
}

// The control plane runs as root and the log folder's entries are the
// user's to change: the folder is reached without following a link, and
// every file is opened with O_NOFOLLOW (and O_NONBLOCK: a FIFO never
// blocks us) and must be a plain, singly linked file of the user's.
const OPEN_NOFOLLOW = fsc.O_NOFOLLOW | fsc.O_NONBLOCK;

function withLogDir<T>(t: TaskLogTarget, work: (dir: DirHandle) => Promise<T>): Promise<T> {
  const dir = DirHandle.open(path.join(t.dataDir, 'users'), [t.username, 'log']);
  return work(dir).finally(() => dir.close());
}

async function openChecked(file: string, flags: number, t: TaskLogTarget): Promise<fsp.FileHandle> {
  const handle = await fsp.open(file, flags | OPEN_NOFOLLOW, 0o660);
  try {
    const st = await handle.stat();
    const root = process.getuid?.() ?? 0;
    if (!st.isFile() || st.nlink > 1 || (st.uid !== t.uid && st.uid !== root)) throw new Error(`/var/log/${path.basename(file)} is not a plain log file of the user's; not touching it`);
    // A file just made by root becomes the user's: the task's container writes to it as the user.
    if (st.uid !== t.uid) {
      await handle.chown(t.uid, t.uid).catch(() => undefined);
      await handle.chmod(0o660);
    }
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Appends Pyhost's own lines (started, ended, skipped, killed) to a task's log. */
export async function appendTaskLog(t: TaskLogTarget, text: string): Promise<void> {
  await withLogDir(t, async (dir) => {
    const handle = await openChecked(dir.path(t.name), fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT, t);
    try {
      await handle.write(text);
    } finally {
      await handle.close();
    }
  });
}

const rotated = (name: string, n: number) => (n === 1 ? `${name}.1` : `${name}.${n}.gz`);

async function renameIfThere(dir: DirHandle, from: string, to: string): Promise<void> {
  await fsp.rename(dir.path(from), dir.path(to)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** .1 becomes .2.gz: read without following a link, written as a new file of the user's. */
async function gzipFirst(dir: DirHandle, t: TaskLogTarget): Promise<void> {
  const input = await openChecked(dir.path(rotated(t.name, 1)), fsc.O_RDONLY, t).catch(() => null);
  if (!input) return;
  const tmp = `${rotated(t.name, 2)}.tmp`;
  await fsp.rm(dir.path(tmp), { force: true });
  const output = await openChecked(dir.path(tmp), fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, t).catch(async (err: unknown) => {
    await input.close();
    throw err;
  });
  await pipeline(input.createReadStream(), zlib.createGzip({ level: 6 }), output.createWriteStream());
  await fsp.rename(dir.path(tmp), dir.path(rotated(t.name, 2)));
}

/** A copy of the live log as .1, then the live one emptied in place: its writer keeps its O_APPEND descriptor. */
async function copyTruncate(dir: DirHandle, t: TaskLogTarget): Promise<void> {
  const live = await openChecked(dir.path(t.name), fsc.O_RDWR, t);
  try {
    const copy = await openChecked(dir.path(rotated(t.name, 1)), fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, t);
    await pipeline(live.createReadStream({ start: 0, autoClose: false }), copy.createWriteStream());
    await live.truncate(0);
  } finally {
    await live.close();
  }
}

/**
 * Rotates the log when it has grown past `maxBytes` (x.log → x.log.1 →
 * x.log.2.gz …, the web-app logs' scheme). rename and unlink act on
 * entries themselves, never through a link. `inUse`: a running always-on
 * task writes to it, so the live file is copied and emptied rather than
 * renamed (what it writes in between those two steps is lost).
 */
export async function rotateTaskLogIfBig(t: TaskLogTarget, maxBytes: number, inUse = false): Promise<void> {
  await withLogDir(t, async (dir) => {
    const st = await fsp.lstat(dir.path(t.name)).catch(() => null);
    if (!st?.isFile() || st.size <= maxBytes) return;
    await fsp.rm(dir.path(rotated(t.name, TASK_LOG_KEEP)), { force: true });
    for (let n = TASK_LOG_KEEP - 1; n > 1; n--) await renameIfThere(dir, rotated(t.name, n), rotated(t.name, n + 1));
    await gzipFirst(dir, t);
    await fsp.rm(dir.path(rotated(t.name, 1)), { force: true });
    if (inUse) await copyTruncate(dir, t);
    else await renameIfThere(dir, t.name, rotated(t.name, 1));
  });
}
