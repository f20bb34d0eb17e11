import fsp from 'node:fs/promises';
import { DirHandle, lstatEntry } from './beneath.js';

/** Deeper folders are not entered (each level holds one open descriptor). */
const MAX_DEPTH = 128;

/**
 * Bytes of disk the tree at `root` takes: allocated blocks (a sparse file
 * counts what it really uses), each hard-linked file once. Walks one
 * opened folder at a time and follows no link: a user's symlink to a large
 * folder elsewhere counts as the few bytes of the link, and a folder
 * swapped for a link mid-walk is skipped. `root` itself must be a path no
 * user can change.
 */
export async function treeBytes(root: string): Promise<number> {
  const seen = new Set<string>();
  const dir = DirHandle.open(root);
  try {
    const st = await fsp.lstat(dir.path());
    return st.blocks * 512 + (await folderBytes(dir, seen, 1));
  } finally {
    dir.close();
  }
}

async function folderBytes(dir: DirHandle, seen: Set<string>, depth: number): Promise<number> {
  let total = 0;
  const names = await fsp.readdir(dir.path()).catch(() => [] as string[]);
  for (const name of names) {
    const st = await lstatEntry(dir, name).catch(() => null);
    if (st === null) continue;
    if (st.nlink > 1 && !st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    total += st.blocks * 512;
    if (!st.isDirectory() || depth >= MAX_DEPTH) continue;
    let child: DirHandle;
    try {
      child = dir.child(name);
    } catch {
      continue; // gone, or no longer a folder
    }
    try {
      total += await folderBytes(child, seen, depth + 1);
    } finally {
      child.close();
    }
  }
  return total;
}
