import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { ValidationError } from '../../domain/errors.js';
import { consoleEtcDir, userDirs } from '../../domain/layout.js';
import type { Principal } from '../../domain/principal.js';
import { removeTree } from '../../lib/beneath.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { Stores } from '../../store/stores.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappService } from '../webapps/webapp-service.js';
import type { WebsiteService } from '../websites/website-service.js';
import type { AccountArchives } from './account-archives.js';
import { accountNamed, assertNotSelfOrLastAdmin } from './account-rules.js';
import type { AccountState } from './account-state.js';
import type { DiskUsage } from './disk-usage.js';
import type { UserDisks } from './user-disks.js';
import type { LiveConnections } from './live-connections.js';

export type FilesChoice = 'archive' | 'erase';

export interface DeleteInput {
  confirm: string;
  files: FilesChoice;
}

export interface AccountDeletionDeps {
  readonly stores: Stores;
  readonly config: Config;
  readonly state: AccountState;
  readonly webapps: WebappService;
  readonly websites: Pick<WebsiteService, 'list' | 'remove'>;
  readonly live: LiveConnections;
  readonly archives: AccountArchives;
  readonly disk: DiskUsage;
  readonly disks: Pick<UserDisks, 'remove'>;
  readonly log: FastifyBaseLogger;
  readonly now: () => number;
}

/**
 * Deleting an account, so that nothing of it is left: the row says
 * "deleting" first (nothing of it starts again, it cannot log in), then
 * its web apps (containers, run folders, rows), consoles and their
 * container, sessions and tokens, its students' link to it, its files
 * (archived or erased), and last the row itself with what hangs off it
 * (invite codes, audit entries). A deletion that stops halfway leaves the
 * row "deleting"; deleting again picks up where it stopped. The username
 * is free once the row and the files are gone.
 */
export class AccountDeletion {
  private readonly locks = new KeyedLock();

  constructor(private readonly deps: AccountDeletionDeps) {}

  async delete(actor: Principal, username: string, input: DeleteInput): Promise<{ archive: string | null }> {
    const user = accountNamed(this.deps.stores.users, username);
    if (input.confirm !== username) {
      throw new ValidationError(`to delete the account, type its username "${username}" in confirm (it says "${input.confirm}")`, 'confirm');
    }
    assertNotSelfOrLastAdmin(this.deps.stores.users, actor, user, 'delete');
    return this.locks.run(user.id, async () => {
      const fresh = this.deps.stores.users.byId(user.id);
      if (!fresh) return { archive: null }; // deleted meanwhile by the same request sent twice
      const archive = await this.remove(fresh, input.files);
      this.deps.log.info({ admin: actor.username, user: username, files: input.files, archive }, 'account deleted');
      return { archive };
    });
  }

  private async remove(user: UserRow, files: FilesChoice): Promise<string | null> {
    const { stores, config, state, webapps, websites, live, archives, disk, disks } = this.deps;
    await state.shutOff(user, 'deleting');
    for (const app of webapps.list(user)) await webapps.remove(user, app);
    for (const site of websites.list(user)) await websites.remove(site);
    for (const student of stores.users.studentsOf(user.id)) {
      stores.users.update(student.id, { teacherId: null });
      live.endAccess(user.id, student.id, `${user.username} was deleted`);
    }
    const dirs = userDirs(config.dataDir, user.username);
    const archive = files === 'archive' ? await archives.pack(user, path.dirname(dirs.root), new Date(this.deps.now()).toISOString()) : null;
    // Unmounted first: what is left below the mount point is the empty folder it was mounted over.
    await disks.remove(user);
    await removeTree(dirs.root);
    await removeTree(consoleEtcDir(config.dataDir, user.username));
    // Sessions, tokens, invite codes, consoles and the audit log go with the row (ON DELETE CASCADE).
    stores.users.remove(user.id);
    disk.forget(user.id);
    return archive;
  }
}
