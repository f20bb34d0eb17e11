import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DIR_NOFOLLOW, fdPath } from './proc-fd.js';

// Race-free work inside a folder that a user can change while we work in
// it, for processes that run as root (see proc-fd.ts). A check on a path
// string ("this resolves inside the user's home") is only true at the
// moment it is made; by the time the write follows, a folder on the way may
// have become a symlink to /etc. Here every folder is opened from the one
// before it without following links, and every operation names one entry
// of an open folder, so whatever the user swaps in afterwards is at most
// refused (ENOTDIR, ELOOP), never followed.

/** A directory reached without following any symlink below a trusted root. */
export class DirHandle {
  private constructor(readonly fd: number) {}

  /**
   * Walks from `root` (a path no user can change) through `segments`, each
   * of which must be a real directory, not a link.
   */
  static open(root: string, segments: readonly string[] = []): DirHandle {
    let dir = new DirHandle(fs.openSync(root, DIR_NOFOLLOW));
    try {
      for (const segment of segments) {
        const next = dir.child(segment);
        dir.close();
        dir = next;
      }
      return dir;
    } catch (err) {
      dir.close();
      throw err;
    }
  }

  /** The sub-directory `name` of this one; a symlink there fails with ENOTDIR. */
  child(name: string): DirHandle {
    return new DirHandle(fs.openSync(fdPath(this.fd, name), DIR_NOFOLLOW));
  }

  /** This directory (no name) or its entry `name`, as a path to hand to one fs call. */
  path(name?: string): string {
    return fdPath(this.fd, name);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Runs `work` with the directory open, and closes it afterwards whatever happens. */
export async function withDir<T>(root: string, segments: readonly string[], work: (dir: DirHandle) => Promise<T> | T): Promise<T> {
  const dir = DirHandle.open(root, segments);
  try {
    return await work(dir);
  } finally {
    dir.close();
  }
}

/** `name`'s own metadata (a link is a link), or null when there is nothing there. */
export async function lstatEntry(dir: DirHandle, name: string): Promise<fs.Stats | null> {
  return fsp.lstat(dir.path(name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
}

/**
 * Removes `name` from `dir` and, for a folder, everything in it, without
 * ever following a link (rm -rf as root must not be led out of the tree
 * by a folder that becomes a symlink halfway).
 */
export async function removeEntry(dir: DirHandle, name: string, swaps = 0): Promise<void> {
  const st = await lstatEntry(dir, name);
  if (st === null) return;
  if (!st.isDirectory()) {
    await fsp.unlink(dir.path(name)).catch(ignoreMissing);
    return;
  }
  let child: DirHandle;
  try {
    child = dir.child(name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // Swapped for a link or a file since the lstat: remove that instead (a few times at most).
    if ((code === 'ENOTDIR' || code === 'ELOOP') && swaps < 3) return removeEntry(dir, name, swaps + 1);
    throw err;
  }
  try {
    for (const entry of await fsp.readdir(child.path())) await removeEntry(child, entry);
  } finally {
    child.close();
  }
  await fsp.rmdir(dir.path(name)).catch(ignoreMissing);
}

/** Removes the tree at `target` (whose parent no user can change) without following links. */
export async function removeTree(target: string): Promise<void> {
  try {
    await withDir(path.dirname(target), [], (parent) => removeEntry(parent, path.basename(target)));
  } catch (err) {
    ignoreMissing(err as NodeJS.ErrnoException);
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
