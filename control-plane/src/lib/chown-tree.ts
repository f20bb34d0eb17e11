import fsp from 'node:fs/promises';
import { DirHandle, lstatEntry } from './beneath.js';

/**
 * Gives every entry below `root` (not `root` itself) to `uid`; groups in
 * `keepGroups` stay, every other group becomes `gid`. Walks one opened
 * folder at a time and changes links themselves (lchown), never what they
 * point to. Changing the owner of a file clears its setuid and setgid bits.
 */
export async function chownBelow(root: string, uid: number, gid: number, keepGroups: ReadonlySet<number>): Promise<void> {
  const dir = DirHandle.open(root);
  try {
    await chownEntries(dir, uid, gid, keepGroups);
  } finally {
    dir.close();
  }
}

async function chownEntries(dir: DirHandle, uid: number, gid: number, keepGroups: ReadonlySet<number>): Promise<void> {
  for (const name of await fsp.readdir(dir.path())) {
    const st = await lstatEntry(dir, name);
    if (st === null) continue;
    await fsp.lchown(dir.path(name), uid, keepGroups.has(st.gid) ? st.gid : gid);
    if (!st.isDirectory()) continue;
    const child = dir.child(name);
    try {
      await chownEntries(child, uid, gid, keepGroups);
    } finally {
      child.close();
    }
  }
}
