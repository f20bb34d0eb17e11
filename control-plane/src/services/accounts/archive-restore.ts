import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { assertUsername } from '../../domain/names.js';
import type { Principal } from '../../domain/principal.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { removeTree } from '../../lib/beneath.js';
import { chownBelow } from '../../lib/chown-tree.js';
import { isRoot } from '../../lib/platform-dirs.js';
import type { Stores } from '../../store/stores.js';
import type { UserRow } from '../../store/users-store.js';
import { choosePassword } from './account-admin.js';
import type { AccountArchives, ArchiveManifest } from './account-archives.js';
import { insertAccounts } from './account-creation.js';
import type { AdminUser, AdminView } from './admin-view.js';
import { unpackMember } from './archive-tar.js';
import { createUserDirs } from './user-dirs.js';

export interface RestoreInput {
  username?: string | undefined;
  password?: string | undefined;
}

/** The restored account; `password` only when Pyhost made one up (shown once). */
export type Restored = AdminUser & { password?: string };

const PARTS = ['home', 'www', 'log'] as const;

/**
 * Brings a deleted account back from its archive: a new account (a new
 * id, so a new uid: uids are never handed out twice) under the archived
 * name or another, with the archived files unpacked, given to the new uid,
 * and the archive removed. The password is the admin's new one, else the
 * archived one, else a generated one.
 */
export class ArchiveRestore {
  constructor(
    private readonly stores: Stores,
    private readonly config: Config,
    private readonly archives: AccountArchives,
    private readonly view: AdminView,
    private readonly log: FastifyBaseLogger,
  ) {}

  async restore(actor: Principal, name: string, input: RestoreInput): Promise<Restored> {
    const manifest = await this.archives.manifest(name);
    const username = input.username ?? manifest.username;
    assertUsername(username);
    const password = input.password !== undefined || manifest.password_hash === null ? await choosePassword(this.config, input.password) : null;
    const staging = path.join(this.archives.ensureDir(), `.restore-${crypto.randomBytes(6).toString('hex')}`);
    fs.mkdirSync(staging, { mode: 0o700 });
    try {
      // Unpacked where no user can reach, before any row exists: a broken archive makes no account.
      await unpackMember(this.archives.file(name), staging, manifest.username);
      const [user] = await insertAccounts(this.stores, this.config, [{
        username,
        passwordHash: password?.hash ?? manifest.password_hash!,
        isAdmin: manifest.is_admin,
        isTeacher: manifest.is_teacher,
        teacherId: this.teacherOf(manifest, username),
        expiresAt: manifest.expires_at !== null && manifest.expires_at > new Date().toISOString() ? manifest.expires_at : null,
        limitsJson: manifest.limits_json,
        restoring: name,
      }]);
      await this.moveIn(user!, path.join(staging, manifest.username)).catch(async (err: unknown) => {
        this.stores.users.remove(user!.id);
        await removeTree(userDirs(this.config.dataDir, username).root);
        throw err;
      });
      await this.archives.remove(name);
      this.log.info({ admin: actor.username, archive: name, user: username, uid: uidFor(this.config.uidBase, user!.id) }, 'account restored from its archive');
      const view: Restored = this.view.of(user!.id);
      return password?.generated ? { ...view, password: password.password } : view;
    } finally {
      await removeTree(staging);
    }
  }

  /** The archived teacher, if they are still a teacher (and not the account itself). */
  private teacherOf(m: ArchiveManifest, username: string): number | null {
    if (m.teacher === null || m.teacher === username) return null;
    const t = this.stores.users.byUsername(m.teacher);
    return t && t.disabled_reason !== 'deleting' && (t.is_teacher === 1 || t.is_admin === 1) ? t.id : null;
  }

  /** Replaces the new account's empty folders with the unpacked ones, then gives them all to its uid. */
  private async moveIn(user: UserRow, unpacked: string): Promise<void> {
    const dirs = userDirs(this.config.dataDir, user.username);
    for (const part of PARTS) {
      const from = path.join(unpacked, part);
      const st = fs.lstatSync(from, { throwIfNoEntry: false });
      if (!st?.isDirectory()) continue;
      await removeTree(dirs[part]);
      fs.renameSync(from, dirs[part]);
    }
    const uid = uidFor(this.config.uidBase, user.id);
    // The router's group stays where it was (logs, static files); every other group becomes the user's.
    if (isRoot()) await chownBelow(dirs.root, uid, uid, new Set([this.config.ingressUid]));
    createUserDirs(dirs, uid, this.config.ingressUid);
  }
}
