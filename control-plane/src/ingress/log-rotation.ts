import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

// Size-based rotation in the gateway's scheme (runtime-image/gateway/
// pyhost_gateway/logs.py): x.log -> x.log.1 -> x.log.2.gz … x.log.<keep>.gz.
// The router works inside the user's own log folder (which lets it in
// through its group), so nothing here follows a symlink or reads a file the
// user could have swapped in: rename and unlink act on links themselves,
// and the files opened are opened with O_NOFOLLOW and must be plain, singly
// linked files of the app's user or of the router.

/** Whose log files the router may write and read: the app's uid, and its own (a log it created). */
export type Owners = readonly number[];

export function rotatedName(file: string, n: number): string {
  return n === 1 ? `${file}.1` : `${file}.${n}.gz`;
}

export async function rotate(file: string, keep: number, owners: Owners): Promise<void> {
  if (keep <= 0) {
    await removeIfExists(file);
    return;
  }
  await removeIfExists(rotatedName(file, keep));
  for (let n = keep - 1; n > 1; n--) await renameIfExists(rotatedName(file, n), rotatedName(file, n + 1));
  const first = rotatedName(file, 1);
  if (keep >= 2) await gzipSafely(first, rotatedName(file, 2), owners);
  await removeIfExists(first);
  await renameIfExists(file, first);
}

/**
 * Opens a log for appending without following a symlink or blocking on a
 * FIFO; refuses anything but a plain file of `owners`. A new file is the
 * router's, readable by the user (0664: the folder lets nobody else in).
 */
export async function openForAppend(file: string, owners: Owners): Promise<fs.FileHandle> {
  const handle = await fs.open(file, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW | fsc.O_NONBLOCK, 0o664);
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.nlink > 1 || !owners.includes(st.uid)) throw new Error(`${file} is not a plain log file of the app's; not writing to it`);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function gzipSafely(src: string, dest: string, owners: Owners): Promise<void> {
  let input: fs.FileHandle;
  try {
    input = await fs.open(src, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  } catch {
    return; // absent, or a symlink: nothing of ours to keep
  }
  const st = await input.stat().catch(() => null);
  if (!st || !st.isFile() || st.nlink > 1 || !owners.includes(st.uid)) {
    await input.close();
    return;
  }
  const tmp = `${dest}.tmp`;
  try {
    await removeIfExists(tmp);
    const output = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o664);
    // The streams own (and close) both handles from here on.
    await pipeline(input.createReadStream(), zlib.createGzip({ level: 6 }), output.createWriteStream());
    await fs.rename(tmp, dest);
  } catch {
    await input.close().catch(() => undefined);
    await removeIfExists(tmp);
  }
}

async function removeIfExists(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}

async function renameIfExists(src: string, dest: string): Promise<void> {
  try {
    await fs.rename(src, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
