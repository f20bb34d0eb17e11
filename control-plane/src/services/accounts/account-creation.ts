import fs from 'node:fs';
import type { Config } from '../../config.js';
import { ConflictError } from '../../domain/errors.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { removeTree } from '../../lib/beneath.js';
import type { Stores } from '../../store/stores.js';
import type { UserRow } from '../../store/users-store.js';
import { archiveReserving } from './account-archives.js';
import { createUserDirs } from './user-dirs.js';

/** What a new account starts with besides its name and password. */
export interface AccountExtras {
  readonly isAdmin?: boolean;
  readonly isTeacher?: boolean;
  readonly teacherId?: number | null;
  readonly expiresAt?: string | null;
  readonly limitsJson?: string;
}

export interface NewAccount extends AccountExtras {
  readonly username: string;
  readonly passwordHash: string;
  /** The archive this account is restored from (its name does not keep the username taken). */
  readonly restoring?: string;
}

/** A username that cannot be had: an account has it, or an earlier account's files are still on disk. */
export class UsernameTakenError extends ConflictError {
  constructor(readonly username: string, message: string) {
    super(message);
  }
}

/**
 * Why `username` cannot be given to a new account, or null. Files under
 * users/<name> with no account (a deletion that stopped halfway, files an
 * operator put back) belong to someone else's uid: a new account must not
 * inherit them, so the name is free only once they are gone; the same for
 * an archive of a deleted account's files (`restoring`: the one whose
 * account comes back now).
 */
export function whyTaken(stores: Stores, config: Config, username: string, restoring?: string): string | null {
  if (stores.users.byUsername(username)) return `the username "${username}" is taken`;
  const archive = archiveReserving(config.dataDir, username, restoring);
  if (archive !== null) {
    return `the username "${username}" is not free yet: the files of a deleted account of that name are kept in the archive ${archive} (restore or delete it first)`;
  }
  try {
    fs.lstatSync(userDirs(config.dataDir, username).root);
    return `the username "${username}" is not free yet: files of an earlier account of that name are still in users/${username}`;
  } catch {
    return null;
  }
}

/**
 * Creates accounts and their folders, all or none: the rows in one
 * transaction with the folders, so that a folder that cannot be made rolls
 * every row back, and the folders made before it are removed again.
 * `guard` runs first in the transaction; it may refuse (throw) or add to
 * what every account starts with (an invite code's teacher and expiry).
 * Passwords are hashed beforehand: nothing slow runs inside.
 */
export async function insertAccounts(
  stores: Stores,
  config: Config,
  accounts: readonly NewAccount[],
  guard?: () => AccountExtras | void,
): Promise<UserRow[]> {
  const made: string[] = [];
  try {
    return stores.inTransaction(() => {
      const extra = guard?.() ?? {};
      return accounts.map((a) => insertOne(stores, config, { ...a, ...extra }, made));
    });
  } catch (err) {
    for (const root of made.reverse()) await removeTree(root);
    throw err;
  }
}

function insertOne(stores: Stores, config: Config, a: NewAccount, made: string[]): UserRow {
  const taken = whyTaken(stores, config, a.username, a.restoring);
  if (taken) throw new UsernameTakenError(a.username, taken);
  const user = stores.users.insert(a.username, a.passwordHash, a.isAdmin ?? false, {
    teacherId: a.teacherId ?? undefined,
    expiresAt: a.expiresAt ?? null,
    limitsJson: a.limitsJson,
  });
  if (a.isTeacher) stores.users.update(user.id, { isTeacher: true });
  const dirs = userDirs(config.dataDir, a.username);
  // Known to be absent a moment ago (whyTaken): whatever is there now is this account's.
  made.push(dirs.root);
  createUserDirs(dirs, uidFor(config.uidBase, user.id), config.ingressUid);
  return stores.users.byId(user.id)!;
}
