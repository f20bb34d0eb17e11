import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

// Size-based rotation in the gateway's scheme (runtime-image/gateway/
// pyhost_gateway/logs.py): x.log -> x.log.1 -> x.log.2.gz … x.log.<keep>.gz.
// The router runs as root inside the user's own log folder, so nothing here
// follows a symlink or reads a file the user could have swapped in: rename
// and unlink act on links themselves, and the one file read (x.log.1, to
// gzip it) is opened with O_NOFOLLOW and must be a plain, singly linked file.

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

export function rotatedName(file: string, n: number): string {
  return n === 1 ? `${file}.1` : `${file}.${n}.gz`;
}

export async function rotate(file: string, keep: number, owner: Owner | null): Promise<void> {
  if (keep <= 0) {
    await removeIfExists(file);
    return;
  }
  await removeIfExists(rotatedName(file, keep));
  for (let n = keep - 1; n > 1; n--) await renameIfExists(rotatedName(file, n), rotatedName(file, n + 1));
  const first = rotatedName(file, 1);
  if (keep >= 2) await gzipSafely(first, rotatedName(file, 2), owner);
  await removeIfExists(first);
  await renameIfExists(file, first);
}

/** Opens a log for appending without following a symlink; refuses anything but a plain file. */
export async function openForAppend(file: string, owner: Owner | null): Promise<fs.FileHandle> {
  const handle = await fs.open(file, fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW, 0o640);
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.nlink > 1) throw new Error(`${file} is not a plain log file; not writing to it`);
    if (owner && (st.uid !== owner.uid || st.gid !== owner.gid)) await handle.chown(owner.uid, owner.gid);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function gzipSafely(src: string, dest: string, owner: Owner | null): Promise<void> {
  let input: fs.FileHandle;
  try {
    input = await fs.open(src, fsc.O_RDONLY | fsc.O_NOFOLLOW);
  } catch {
    return; // absent, or a symlink: nothing of ours to keep
  }
  const st = await input.stat().catch(() => null);
  if (!st || !st.isFile() || st.nlink > 1) {
    await input.close();
    return;
  }
  const tmp = `${dest}.tmp`;
  try {
    await removeIfExists(tmp);
    const output = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o640);
    if (owner) await output.chown(owner.uid, owner.gid).catch(() => undefined);
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
