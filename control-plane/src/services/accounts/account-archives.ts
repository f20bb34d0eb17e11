import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../../domain/errors.js';
import { archivesDir, uidFor } from '../../domain/layout.js';
import { removeTree } from '../../lib/beneath.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import { packEntries, readMember } from './archive-tar.js';

// A deleted account's files, kept as one gzipped tarball under
// PYHOST_DATA/archives/ (root's alone, 0700), named <username>-<uid>.tar.gz:
// uids are never handed out twice, so the name is the account's for good
// and a deletion that stopped halfway finds the archive it already made.
// The tarball holds MANIFEST (what the account was) first, then
// <username>/{home,www,log} as they were, links as links.

export const MANIFEST = 'pyhost-account.json';
const NAME_RE = /^([a-z][a-z0-9]{1,29})-(\d{1,10})\.tar\.gz$/;
const PARTIAL = '.partial';

/** What an archive says about the account it came from. */
export interface ArchiveManifest {
  readonly format: 1;
  readonly username: string;
  readonly uid: number;
  readonly created_at: string;
  readonly deleted_at: string;
  readonly is_admin: boolean;
  readonly is_teacher: boolean;
  readonly teacher: string | null;
  readonly expires_at: string | null;
  readonly limits_json: string;
  /** The account's password hash: restored unless the admin sets a new password. */
  readonly password_hash: string | null;
}

export interface ArchiveInfo {
  name: string;
  username: string;
  created_at: string;
  bytes: number;
}

/** The username an archive name is for, or null when it is not an archive's name at all. */
export function archiveUsername(name: string): string | null {
  return NAME_RE.exec(name)?.[1] ?? null;
}

export class AccountArchives {
  readonly dir: string;

  constructor(
    dataDir: string,
    private readonly uidBase: number,
    private readonly users: UsersStore,
  ) {
    this.dir = archivesDir(dataDir);
  }

  /** archives/, made root's alone (0700) whatever it was. */
  ensureDir(): string {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(this.dir);
    if (!st.isDirectory()) throw new Error(`${this.dir} is not a folder`);
    if ((st.mode & 0o777) !== 0o700) fs.chmodSync(this.dir, 0o700);
    return this.dir;
  }

  nameFor(user: UserRow): string {
    return `${user.username}-${uidFor(this.uidBase, user.id)}.tar.gz`;
  }

  list(): ArchiveInfo[] {
    const out: ArchiveInfo[] = [];
    for (const name of this.names()) {
      const st = fs.lstatSync(path.join(this.dir, name), { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      out.push({ name, username: archiveUsername(name)!, created_at: st.mtime.toISOString(), bytes: st.size });
    }
    return out.sort((a, b) => b.created_at.localeCompare(a.created_at) || a.name.localeCompare(b.name));
  }

  /** The path of the archive `name`; a name that is not an archive's, or none there, is a 404. */
  file(name: string): string {
    const file = archiveUsername(name) === null ? null : path.join(this.dir, name);
    if (file === null || !fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) throw new NotFoundError(`no archive "${name}"`);
    return file;
  }


  async manifest(name: string): Promise<ArchiveManifest> {
    const text = await readMember(this.file(name), MANIFEST);
    const m = JSON.parse(text) as ArchiveManifest;
    if (m.format !== 1 || typeof m.username !== 'string') throw new Error(`the archive ${name} has no manifest Pyhost can read`);
    return m;
  }

  async remove(name: string): Promise<void> {
    await fsp.unlink(this.file(name));
  }

  /**
   * Packs users/<u> of `user` into its archive and returns the name; an
   * archive already there (an earlier attempt got that far) is kept.
   * Written under a temporary name and renamed: an archive that exists is
   * whole.
   */
  async pack(user: UserRow, usersDir: string, deletedAt: string): Promise<string> {
    const name = this.nameFor(user);
    const file = path.join(this.ensureDir(), name);
    if (fs.existsSync(file)) return name;
    const staging = path.join(this.dir, `.staging-${crypto.randomBytes(6).toString('hex')}`);
    fs.mkdirSync(staging, { mode: 0o700 });
    try {
      fs.writeFileSync(path.join(staging, MANIFEST), JSON.stringify(this.manifestOf(user, deletedAt), null, 2), { mode: 0o600 });
      // No folder left (an operator removed it): an empty one, so that every archive restores the same way.
      const hasFiles = fs.lstatSync(path.join(usersDir, user.username), { throwIfNoEntry: false })?.isDirectory() === true;
      if (!hasFiles) fs.mkdirSync(path.join(staging, user.username), { mode: 0o750 });
      const members: [string, string][] = [[staging, MANIFEST], [hasFiles ? usersDir : staging, user.username]];
      await packEntries(file + PARTIAL, members);
      fs.chmodSync(file + PARTIAL, 0o600);
      fs.renameSync(file + PARTIAL, file);
    } finally {
      await removeTree(staging);
      fs.rmSync(file + PARTIAL, { force: true });
    }
    return name;
  }

  private manifestOf(user: UserRow, deletedAt: string): ArchiveManifest {
    const teacher = user.teacher_id === null ? null : (this.users.byId(user.teacher_id)?.username ?? null);
    return {
      format: 1,
      username: user.username,
      uid: uidFor(this.uidBase, user.id),
      created_at: user.created_at,
      deleted_at: deletedAt,
      is_admin: user.is_admin === 1,
      is_teacher: user.is_teacher === 1,
      teacher,
      expires_at: user.expires_at,
      limits_json: user.limits_json,
      password_hash: user.password_hash,
    };
  }

  private names(): string[] {
    return archiveNames(this.dir);
  }
}

function archiveNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => NAME_RE.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * The archive that keeps `username` taken, or null: while an account's
 * files are kept, its name waits for them (restored or deleted).
 * `except` is the archive being restored.
 */
export function archiveReserving(dataDir: string, username: string, except?: string): string | null {
  return archiveNames(archivesDir(dataDir)).find((n) => archiveUsername(n) === username && n !== except) ?? null;
}
