import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { looksLikeManagePy } from '../../domain/compare-servers.js';
import { ValidationError } from '../../domain/errors.js';
import { DirHandle } from '../../lib/beneath.js';
import { fdPath } from '../../lib/proc-fd.js';

// What Compare servers reads of a user's project, and the copy of it that
// a candidate may write to (docs/compare-servers.md, "Files"). Every read of
// the user's folders walks them one opened folder at a time without
// following links (lib/beneath.ts): the api runs as root.

const SQLITE_FILE = /\.(sqlite3?|db)$/;
const MANAGE_PY_MAX_BYTES = 64 * 1024;
/** A project folder is copied only up to this size and number of entries. */
export const COPY_MAX_BYTES = 256 * 1024 * 1024;
export const COPY_MAX_ENTRIES = 20_000;

/** A folder as the user sees it (/home/<u>/…) → its segments below the home; null when it is not strictly below it. */
export function homeSegments(username: string, visible: string): string[] | null {
  const home = `/home/${username}`;
  const normal = path.posix.normalize(visible);
  if (!normal.startsWith(`${home}/`)) return null;
  const segments = normal.slice(home.length + 1).split('/').filter((s) => s !== '');
  return segments.length > 0 ? segments : null;
}

function openBelowHome(homeHost: string, segments: readonly string[]): DirHandle | null {
  try {
    return DirHandle.open(homeHost, segments);
  } catch {
    return null; // missing, or a link on the way: not a folder we read
  }
}

/** A regular file's first bytes, opened without following a link; null for anything else. */
function readRegular(dir: DirHandle, name: string, maxBytes: number): string | null {
  let fd: number;
  try {
    fd = fs.openSync(dir.path(name), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    const buf = Buffer.alloc(maxBytes);
    const n = fs.readSync(fd, buf, 0, maxBytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the folder holds a Django project's manage.py. */
export function hasManagePy(homeHost: string, segments: readonly string[]): boolean {
  const dir = openBelowHome(homeHost, segments);
  if (dir === null) return false;
  try {
    const source = readRegular(dir, 'manage.py', MANAGE_PY_MAX_BYTES);
    return source !== null && looksLikeManagePy(source);
  } finally {
    dir.close();
  }
}

/** Whether the folder holds SQLite database files (its own entries; regular files only). */
export function hasSqliteFiles(homeHost: string, segments: readonly string[]): boolean {
  const dir = openBelowHome(homeHost, segments);
  if (dir === null) return false;
  try {
    return fs.readdirSync(dir.path(), { withFileTypes: true }).some((e) => e.isFile() && SQLITE_FILE.test(e.name));
  } finally {
    dir.close();
  }
}

interface Budget {
  bytes: number;
  entries: number;
}

/**
 * Copies the user's folder `segments` (below their home) into `dest` (a
 * fresh folder of the platform's), owned by uid: folders and regular files
 * only; links, sockets and devices are left out, never followed. Refuses a
 * folder over COPY_MAX_BYTES or COPY_MAX_ENTRIES.
 */
export async function copyProject(homeHost: string, segments: readonly string[], dest: string, uid: number): Promise<void> {
  const src = DirHandle.open(homeHost, segments);
  try {
    await copyEntries(src, dest, uid, { bytes: 0, entries: 0 });
  } finally {
    src.close();
  }
}

async function copyEntries(src: DirHandle, dest: string, uid: number, budget: Budget): Promise<void> {
  const mode = fs.fstatSync(src.fd).mode & 0o777;
  await fsp.mkdir(dest, { mode: 0o700 });
  for (const entry of await fsp.readdir(src.path(), { withFileTypes: true })) {
    if (++budget.entries > COPY_MAX_ENTRIES) throw tooBig();
    const to = path.join(dest, entry.name);
    if (entry.isDirectory()) {
      let child: DirHandle;
      try {
        child = src.child(entry.name);
      } catch {
        continue; // swapped for a link meanwhile
      }
      try {
        await copyEntries(child, to, uid, budget);
      } finally {
        child.close();
      }
    } else if (entry.isFile()) {
      copyFile(src, entry.name, to, uid, budget);
    }
  }
  await fsp.chmod(dest, mode | 0o700);
  await fsp.chown(dest, uid, uid);
}

function copyFile(src: DirHandle, name: string, to: string, uid: number, budget: Budget): void {
  let fd: number;
  try {
    fd = fs.openSync(src.path(name), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return;
    budget.bytes += st.size;
    if (budget.bytes > COPY_MAX_BYTES) throw tooBig();
    // The descriptor's own path: the very file opened above, whatever is at `name` now.
    fs.copyFileSync(fdPath(fd), to);
    fs.chmodSync(to, st.mode & 0o777);
    fs.chownSync(to, uid, uid);
  } finally {
    fs.closeSync(fd);
  }
}

function tooBig(): ValidationError {
  return new ValidationError(
    `the project folder holds SQLite files, so Compare servers works on a copy of it, and it is over ${COPY_MAX_BYTES / 1024 / 1024} MiB or ${COPY_MAX_ENTRIES} entries`,
    'path',
  );
}
