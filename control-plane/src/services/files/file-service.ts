import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { ConflictError, InsufficientStorageError, NotFoundError, TooLargeError, ValidationError } from '../../domain/errors.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { DirHandle, lstatEntry, removeEntry, withDir } from '../../lib/beneath.js';
import type { UserRow } from '../../store/users-store.js';
import { confineBeneath, mapVisiblePath } from '../../lib/path-confinement.js';
import { canChown } from '../accounts/user-dirs.js';
import { code, TEMP_PREFIX, walkError, type Target } from './file-target.js';
import { fileTree } from './file-tree.js';
import { makeFolders } from './make-folders.js';

// The api runs as root inside folders the user can change at any moment (a
// console runs beside every request). So every operation here starts from
// the checked, real path (path-confinement.ts) and then walks it with
// DirHandle: each folder opened from the one before without following a
// link, each change made to one entry of an open folder. A folder swapped
// for a symlink to /etc between the check and the write makes the request
// fail; it never makes root write, chown, read or delete outside the
// user's files.

export interface DirEntry {
  readonly name: string;
  readonly type: 'file' | 'directory';
  readonly size: number;
  readonly modified: string;
}

export type ReadResult =
  /** `handle` is open for reading: the caller streams it and it closes when the stream does. */
  | { readonly kind: 'file'; readonly handle: FileHandle; readonly size: number; readonly modified: Date }
  | { readonly kind: 'directory'; readonly visible: string; readonly entries: DirEntry[] };

const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function tooLarge(limit: number): string {
  return `the file is larger than this Pyhost accepts (${limit} bytes); nothing was changed`;
}

/** Reads and writes a user's files through the paths they see, never outside them. */
export class FileService {
  constructor(
    private readonly config: Config,
    /** Before any file of the account is touched: its disk is mounted (UserDisks.ensure), so nothing lands beside the quota. */
    private readonly beforeUse: (owner: UserRow) => Promise<void> = async () => {},
  ) {}

  private uid(owner: UserRow): number {
    return uidFor(this.config.uidBase, owner.id);
  }

  private async target(owner: UserRow, rawPath: string, followLast: boolean): Promise<Target> {
    await this.beforeUse(owner);
    const mapped = mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), rawPath);
    const { real, root, segments } = await confineBeneath(mapped, { followLast });
    return { mapped, real, root, parents: segments.slice(0, -1), name: segments.at(-1) ?? null };
  }

  /**
   * Opens the folder `t` is in. A folder on the way that is now a link or a
   * file (changed since the check) reads as "does not exist".
   */
  private openParent(t: Target): DirHandle {
    try {
      return DirHandle.open(t.root, t.parents);
    } catch (err) {
      throw walkError(err, t);
    }
  }

  private async inParent<T>(t: Target, work: (dir: DirHandle, name: string) => Promise<T>): Promise<T> {
    if (t.name === null) throw new ValidationError(`${t.mapped.visible} cannot be changed`, 'path');
    const dir = this.openParent(t);
    try {
      return await work(dir, t.name);
    } finally {
      dir.close();
    }
  }

  async read(owner: UserRow, rawPath: string): Promise<ReadResult> {
    const t = await this.target(owner, rawPath, true);
    if (t.name === null) return this.listing(t, t.root, []);
    const file = await this.inParent(t, async (dir, name) => {
      const st = await lstatEntry(dir, name);
      if (st === null || st.isSymbolicLink()) throw new NotFoundError(`${t.mapped.visible} does not exist`);
      if (st.isDirectory()) return null;
      if (!st.isFile()) throw new NotFoundError(`${t.mapped.visible} is not a regular file`);
      const handle = await fsp.open(dir.path(name), READ_FLAGS).catch((err: unknown) => {
        if (code(err) === 'ENOENT' || code(err) === 'ELOOP') throw new NotFoundError(`${t.mapped.visible} does not exist`);
        throw err;
      });
      const opened = await handle.stat();
      if (!opened.isFile()) {
        await handle.close();
        throw new NotFoundError(`${t.mapped.visible} is not a regular file`);
      }
      return { kind: 'file' as const, handle, size: opened.size, modified: opened.mtime };
    });
    return file ?? this.listing(t, t.root, [...t.parents, t.name]);
  }

  private async listing(t: Target, root: string, segments: readonly string[]): Promise<ReadResult> {
    const entries = await this.walkable(t, root, segments, async (dir) => {
      const out: DirEntry[] = [];
      for (const name of await fsp.readdir(dir.path())) {
        if (name.startsWith(TEMP_PREFIX)) continue;
        // lstat, not stat: a listing never follows a link out of the user's files.
        const s = await lstatEntry(dir, name).catch(() => null);
        if (!s) continue;
        out.push({ name, type: s.isDirectory() ? 'directory' : 'file', size: s.isDirectory() ? 0 : s.size, modified: s.mtime.toISOString() });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    });
    return { kind: 'directory', visible: t.mapped.visible, entries };
  }

  /** Runs `work` in the folder at root/segments; a link or file on the way reads as missing. */
  private async walkable<T>(t: Target, root: string, segments: readonly string[], work: (dir: DirHandle) => Promise<T>): Promise<T> {
    try {
      return await withDir(root, segments, work);
    } catch (err) {
      throw walkError(err, t);
    }
  }

  /**
   * Writes `content` to the path atomically: into a temporary file beside it,
   * flushed, then renamed over the target. A failed or oversized upload
   * leaves the old file as it was. Missing parent folders are created.
   */
  async write(owner: UserRow, rawPath: string, content: Readable, options: { replace?: boolean } = {}): Promise<{ created: boolean; size: number }> {
    const t = await this.target(owner, rawPath, false);
    if (t.name === null) throw new ValidationError(`${t.mapped.visible} is a folder, not a file`, 'path');
    const uid = this.uid(owner);
    const dir = await makeFolders(t, t.parents, uid);
    try {
      const name = t.name;
      const before = await lstatEntry(dir, name);
      if (before?.isDirectory()) throw new ValidationError(`${t.mapped.visible} is a folder, not a file`, 'path');
      const mode = before?.isFile() ? before.mode & 0o777 : 0o644;
      const temp = TEMP_PREFIX + crypto.randomBytes(6).toString('hex');
      let size = 0;
      try {
        // 'wx' (O_EXCL) creates a new file and never opens whatever the name already is.
        const handle = await fsp.open(dir.path(temp), 'wx', mode);
        let streaming = false;
        try {
          await handle.chmod(mode);
          if (canChown()) await handle.chown(uid, uid);
          streaming = true; // the stream closes the handle from here on
          await pipeline(content, handle.createWriteStream());
        } finally {
          if (!streaming) await handle.close();
        }
        // Multipart streams stop at the size limit and flag it rather than fail.
        if ((content as Readable & { truncated?: boolean }).truncated) throw new TooLargeError(tooLarge(this.config.maxUploadBytes));
        const written = await fsp.open(dir.path(temp), READ_FLAGS);
        try {
          await written.sync();
          size = (await written.stat()).size;
        } finally {
          await written.close();
        }
        // Root may write into the blocks a disk quota keeps back (docs/disk-quotas.md): the account's own processes could not.
        // Asked of the folder's descriptor, not of a name in it, which its owner could swap for a link.
        if ((await fsp.statfs(dir.path())).bavail === 0) throw new InsufficientStorageError();
        if (options.replace === false) {
          // Into place only where nothing is: link(2) never replaces (EEXIST), where rename(2) would.
          await fsp.link(dir.path(temp), dir.path(name)).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'EEXIST') throw new ConflictError(`${t.mapped.visible} already exists`);
            throw err;
          });
          await fsp.unlink(dir.path(temp));
        } else {
          await fsp.rename(dir.path(temp), dir.path(name));
        }
      } catch (err) {
        await fsp.rm(dir.path(temp), { force: true });
        if (code(err) === 'FST_REQ_FILE_TOO_LARGE') throw new TooLargeError(tooLarge(this.config.maxUploadBytes));
        throw err;
      }
      return { created: before === null, size };
    } finally {
      dir.close();
    }
  }

  /** Creates a folder (and any missing parents); an existing file or folder there is a conflict. */
  async makeFolder(owner: UserRow, rawPath: string): Promise<{ path: string }> {
    const t = await this.target(owner, rawPath, false);
    if (t.name === null) throw new ConflictError(`${t.mapped.visible} already exists`);
    const parent = await makeFolders(t, t.parents, this.uid(owner));
    try {
      if (await lstatEntry(parent, t.name)) throw new ConflictError(`${t.mapped.visible} already exists`);
    } finally {
      parent.close();
    }
    (await makeFolders(t, [...t.parents, t.name], this.uid(owner))).close();
    return { path: t.mapped.visible };
  }

  /**
   * Renames or moves a file, folder or symlink (the link itself) anywhere
   * within the user's files. Never replaces what is already at the target:
   * overwriting by accident is worse than asking again.
   */
  async move(owner: UserRow, rawFrom: string, rawTo: string): Promise<{ path: string }> {
    const from = await this.target(owner, rawFrom, false);
    const to = await this.target(owner, rawTo, false);
    for (const [t, field] of [[from, 'from'], [to, 'to']] as const) {
      if (t.name === null) throw new ValidationError(`${t.mapped.visible} cannot be moved or replaced`, field);
    }
    // Checked on real paths too: a symlink on the way may lead back inside.
    if (to.real.startsWith(from.real + path.sep) || to.mapped.visible.startsWith(from.mapped.visible + '/')) {
      throw new ValidationError(`cannot move ${from.mapped.visible} into itself`, 'to');
    }
    await this.inParent(from, async (source, fromName) => {
      if (!(await lstatEntry(source, fromName))) throw new NotFoundError(`${from.mapped.visible} does not exist`);
      const dest = await makeFolders(to, to.parents, this.uid(owner));
      try {
        if (await lstatEntry(dest, to.name!)) throw new ConflictError(`${to.mapped.visible} already exists`);
        await fsp.rename(source.path(fromName), dest.path(to.name!)).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'EINVAL') throw new ValidationError(`cannot move ${from.mapped.visible} into itself`, 'to');
          if (err.code === 'EXDEV') throw new ValidationError(`${from.mapped.visible} and ${to.mapped.visible} are on different disks; copy instead`, 'to');
          throw err;
        });
      } finally {
        dest.close();
      }
    });
    return { path: to.mapped.visible };
  }

  /** Deletes a file, a symlink (not what it points at) or a folder with everything in it. */
  async remove(owner: UserRow, rawPath: string): Promise<void> {
    const t = await this.target(owner, rawPath, false);
    if (t.name === null) throw new ValidationError(`${t.mapped.visible} cannot be deleted`, 'path');
    await this.inParent(t, async (dir, name) => {
      if (!(await lstatEntry(dir, name))) throw new NotFoundError(`${t.mapped.visible} does not exist`);
      await removeEntry(dir, name);
    });
  }

  /** Every path below a folder (folders end in /), as PythonAnywhere's files/tree answers. */
  async tree(owner: UserRow, rawPath: string): Promise<string[]> {
    return fileTree(await this.target(owner, rawPath, true));
  }
}
