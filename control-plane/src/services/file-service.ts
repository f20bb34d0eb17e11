import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { ConflictError, NotFoundError, TooLargeError, ValidationError } from '../domain/errors.js';
import { uidFor, userDirs } from '../domain/layout.js';
import type { UserRow } from '../store/users-store.js';
import { confine, mapVisiblePath } from './path-confinement.js';
import { canChown } from './user-dirs.js';

export interface DirEntry {
  readonly name: string;
  readonly type: 'file' | 'directory';
  readonly size: number;
  readonly modified: string;
}

export type ReadResult =
  | { readonly kind: 'file'; readonly hostPath: string; readonly size: number; readonly modified: Date }
  | { readonly kind: 'directory'; readonly visible: string; readonly entries: DirEntry[] };

const TREE_LIMIT = 20_000;
const TEMP_PREFIX = '.pyhost-upload-';

function tooLarge(limit: number): string {
  return `the file is larger than this Pyhost accepts (${limit} bytes); nothing was changed`;
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Reads and writes a user's files through the paths they see, never outside them. */
export class FileService {
  constructor(private readonly config: Config) {}

  private locate(owner: UserRow, rawPath: string) {
    return mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), rawPath);
  }

  async read(owner: UserRow, rawPath: string): Promise<ReadResult> {
    const mapped = this.locate(owner, rawPath);
    const real = await confine(mapped, { followLast: true });
    const stat = await fsp.stat(real).catch((err: unknown) => {
      if (isMissing(err)) throw new NotFoundError(`${mapped.visible} does not exist`);
      throw err;
    });
    if (!stat.isDirectory()) {
      if (!stat.isFile()) throw new NotFoundError(`${mapped.visible} is not a regular file`);
      return { kind: 'file', hostPath: real, size: stat.size, modified: stat.mtime };
    }
    const dirents = await fsp.readdir(real, { withFileTypes: true });
    const entries: DirEntry[] = [];
    for (const d of dirents) {
      if (d.name.startsWith(TEMP_PREFIX)) continue;
      // lstat, not stat: a listing never follows a link out of the user's files.
      const s = await fsp.lstat(path.join(real, d.name)).catch(() => null);
      if (!s) continue;
      entries.push({
        name: d.name,
        type: s.isDirectory() ? 'directory' : 'file',
        size: s.isDirectory() ? 0 : s.size,
        modified: s.mtime.toISOString(),
      });
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    return { kind: 'directory', visible: mapped.visible, entries };
  }

  /**
   * Writes `content` to the path atomically: into a temporary file beside it,
   * flushed, then renamed over the target. A failed or oversized upload
   * leaves the old file as it was. Missing parent folders are created.
   */
  async write(owner: UserRow, rawPath: string, content: Readable): Promise<{ created: boolean; size: number }> {
    const mapped = this.locate(owner, rawPath);
    if (mapped.host === mapped.areaRoot) throw new ValidationError(`${mapped.visible} is a folder, not a file`, 'path');
    const target = await confine(mapped, { followLast: false });
    const uid = uidFor(this.config.uidBase, owner.id);
    await this.makeParents(path.dirname(target), mapped.visible, uid);

    const before = await fsp.lstat(target).catch(() => null);
    if (before?.isDirectory()) throw new ValidationError(`${mapped.visible} is a folder, not a file`, 'path');
    const mode = before?.isFile() ? before.mode & 0o777 : 0o644;

    const temp = path.join(path.dirname(target), TEMP_PREFIX + crypto.randomBytes(6).toString('hex'));
    try {
      await pipeline(content, fs.createWriteStream(temp, { flags: 'wx', mode }));
      // Multipart streams stop at the size limit and flag it rather than fail.
      if ((content as Readable & { truncated?: boolean }).truncated) throw new TooLargeError(tooLarge(this.config.maxUploadBytes));
      const handle = await fsp.open(temp, 'r+');
      try {
        await handle.sync();
        await handle.chmod(mode);
        if (canChown()) await handle.chown(uid, uid);
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, target);
    } catch (err) {
      await fsp.rm(temp, { force: true });
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new TooLargeError(tooLarge(this.config.maxUploadBytes));
      throw err;
    }
    const size = (await fsp.stat(target)).size;
    return { created: before === null, size };
  }

  private async makeParents(dir: string, visible: string, uid: number): Promise<void> {
    const stat = await fsp.lstat(dir).catch(() => null);
    if (stat?.isDirectory()) return;
    if (stat) throw new ValidationError(`a parent of ${visible} is a file, not a folder`, 'path');
    await this.makeParents(path.dirname(dir), visible, uid);
    await fsp.mkdir(dir, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    if (canChown()) await fsp.chown(dir, uid, uid);
  }

  /** Creates a folder (and any missing parents); an existing file or folder there is a conflict. */
  async makeFolder(owner: UserRow, rawPath: string): Promise<{ path: string }> {
    const mapped = this.locate(owner, rawPath);
    if (mapped.host === mapped.areaRoot) throw new ConflictError(`${mapped.visible} already exists`);
    const target = await confine(mapped, { followLast: false });
    if (await fsp.lstat(target).catch(() => null)) throw new ConflictError(`${mapped.visible} already exists`);
    await this.makeParents(target, mapped.visible, uidFor(this.config.uidBase, owner.id));
    return { path: mapped.visible };
  }

  /**
   * Renames or moves a file, folder or symlink (the link itself) anywhere
   * within the user's files. Never replaces what is already at the target:
   * overwriting by accident is worse than asking again.
   */
  async move(owner: UserRow, rawFrom: string, rawTo: string): Promise<{ path: string }> {
    const from = this.locate(owner, rawFrom);
    const to = this.locate(owner, rawTo);
    for (const [m, field] of [[from, 'from'], [to, 'to']] as const) {
      if (m.host === m.areaRoot) throw new ValidationError(`${m.visible} cannot be moved or replaced`, field);
    }
    const source = await confine(from, { followLast: false });
    const target = await confine(to, { followLast: false });
    if (!(await fsp.lstat(source).catch(() => null))) throw new NotFoundError(`${from.visible} does not exist`);
    if (await fsp.lstat(target).catch(() => null)) throw new ConflictError(`${to.visible} already exists`);
    // Checked on real paths too: a symlink on the way may lead back inside.
    if (target.startsWith(source + path.sep) || to.visible.startsWith(from.visible + '/')) {
      throw new ValidationError(`cannot move ${from.visible} into itself`, 'to');
    }
    await this.makeParents(path.dirname(target), to.visible, uidFor(this.config.uidBase, owner.id));
    await fsp.rename(source, target).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EINVAL') throw new ValidationError(`cannot move ${from.visible} into itself`, 'to');
      if (err.code === 'EXDEV') throw new ValidationError(`${from.visible} and ${to.visible} are on different disks; copy instead`, 'to');
      throw err;
    });
    return { path: to.visible };
  }

  /** Deletes a file, a symlink (not what it points at) or a folder with everything in it. */
  async remove(owner: UserRow, rawPath: string): Promise<void> {
    const mapped = this.locate(owner, rawPath);
    if (mapped.host === mapped.areaRoot) throw new ValidationError(`${mapped.visible} cannot be deleted`, 'path');
    const target = await confine(mapped, { followLast: false });
    const stat = await fsp.lstat(target).catch(() => null);
    if (!stat) throw new NotFoundError(`${mapped.visible} does not exist`);
    await fsp.rm(target, { recursive: true, force: false });
  }

  /** Every path below a folder (folders end in /), as PythonAnywhere's files/tree answers. */
  async tree(owner: UserRow, rawPath: string): Promise<string[]> {
    const mapped = this.locate(owner, rawPath);
    const real = await confine(mapped, { followLast: true });
    const stat = await fsp.stat(real).catch(() => null);
    if (!stat) throw new NotFoundError(`${mapped.visible} does not exist`);
    if (!stat.isDirectory()) throw new ValidationError(`${mapped.visible} is a file, not a folder`, 'path');
    const out: string[] = [];
    const walk = async (hostDir: string, visibleDir: string): Promise<void> => {
      const dirents = await fsp.readdir(hostDir, { withFileTypes: true });
      dirents.sort((a, b) => a.name.localeCompare(b.name));
      for (const d of dirents) {
        if (d.name.startsWith(TEMP_PREFIX)) continue;
        if (out.length >= TREE_LIMIT) {
          throw new ValidationError(`more than ${TREE_LIMIT} files under ${mapped.visible}; ask for a smaller folder`, 'path');
        }
        const visible = `${visibleDir}/${d.name}`;
        // Symlinks are listed but never entered.
        if (d.isDirectory()) {
          out.push(visible + '/');
          await walk(path.join(hostDir, d.name), visible);
        } else {
          out.push(visible);
        }
      }
    };
    await walk(real, mapped.visible === '/' ? '' : mapped.visible);
    return out;
  }

  /** Opens a confined file for streaming to the client. */
  openForDownload(hostPath: string): fs.ReadStream {
    return fs.createReadStream(hostPath);
  }
}
