import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { Db } from '../../store/database.js';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { LOG_KINDS, logFileName } from '../../domain/log-files.js';
import { wsgiFileName } from '../../domain/names.js';
import {
  MAX_WORKERS,
  checkDomain,
  checkEnv,
  checkStaticUrl,
  helloWorldWsgi,
  parsePythonVersion,
} from '../../domain/webapp-rules.js';
import type { StaticFileCreate, StaticFilePatch, WebappCreate, WebappPatch } from '../../schemas/webapps.js';
import type { UserRow } from '../../store/users-store.js';
import { WebappsStore, type StaticFileRow, type WebappChanges, type WebappRow } from '../../store/webapps-store.js';
import { mapVisiblePath } from '../../lib/path-confinement.js';
import { hashPassword } from '../../lib/secrets.js';
import { canChown } from '../accounts/user-dirs.js';

/**
 * Creates `file` for a user in a folder the user can write, where this
 * process runs as root: O_EXCL|O_NOFOLLOW, so that whatever is there
 * already (the user's own file, or a symlink they planted) is left alone
 * and never followed; mode and owner are set through the handle, never by
 * path (a chown by path follows a symlink swapped in meanwhile: it would
 * hand /etc/shadow to the user).
 */
async function createOwnFile(file: string, mode: number, uid: number, gid: number, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    await fill(handle);
    await handle.chmod(mode); // the umask narrowed the mode open() was given
    if (canChown()) await handle.chown(uid, gid);
  } finally {
    await handle.close();
  }
}

/** Settings that need a new container when they change (see docs/architecture.md). */
export const CONTAINER_SETTINGS = ['server', 'workers', 'virtualenv_path', 'env_json', 'source_directory', 'working_directory', 'auto_reload', 'python_version'] as const;

export class WebappService {
  readonly store: WebappsStore;

  constructor(
    db: Db,
    private readonly config: Config,
  ) {
    this.store = new WebappsStore(db);
  }

  list(owner: UserRow): WebappRow[] {
    return this.store.forUser(owner.id);
  }

  get(owner: UserRow, domain: string): WebappRow {
    const app = this.store.byDomain(domain.toLowerCase().replace(/\.$/, ''));
    if (!app || app.user_id !== owner.id) throw new NotFoundError(`no web app ${domain}`);
    return app;
  }

  /**
   * Creates a web app and, unless one is there already, a hello-world WSGI
   * file for it, as PythonAnywhere does.
   */
  async create(owner: UserRow, input: WebappCreate): Promise<WebappRow> {
    const domain = checkDomain(input.domain_name ?? `${owner.username}.${this.config.domain}`, owner.username, this.config.domain);
    const python = parsePythonVersion(input.python_version ?? '3.11');
    if (this.store.byDomain(domain)) throw new ConflictError(`the domain ${domain} is already in use`);
    await this.writeWsgiFileIfMissing(owner, domain);
    await this.createLogFilesIfMissing(owner, domain);
    try {
      return this.store.insert({
        user_id: owner.id,
        domain_name: domain,
        python_version: python,
        source_directory: `/home/${owner.username}`,
        working_directory: `/home/${owner.username}`,
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(`the domain ${domain} is already in use`);
      }
      throw err;
    }
  }

  private async writeWsgiFileIfMissing(owner: UserRow, domain: string): Promise<void> {
    const file = path.join(userDirs(this.config.dataDir, owner.username).www, wsgiFileName(domain));
    const uid = uidFor(this.config.uidBase, owner.id);
    // Never overwrites a WSGI file the user already has (or a symlink planted there).
    await createOwnFile(file, 0o644, uid, uid, (handle) => handle.writeFile(helloWorldWsgi(domain)));
  }

  /**
   * Empty access, error and server logs, as PythonAnywhere has for a new app:
   * its clients list an app's logs from /var/log and expect all three. The
   * group is the log folder's, so whoever that folder lets write logs (the
   * router, for the access log) can write these too.
   */
  private async createLogFilesIfMissing(owner: UserRow, domain: string): Promise<void> {
    const dir = userDirs(this.config.dataDir, owner.username).log;
    const uid = uidFor(this.config.uidBase, owner.id);
    const { gid } = await fsp.stat(dir);
    for (const kind of LOG_KINDS) {
      await createOwnFile(path.join(dir, logFileName(domain, kind)), 0o660, uid, gid, async () => {});
    }
  }

  /** Validates a PATCH and turns it into column changes. */
  async changesFor(owner: UserRow, app: WebappRow, patch: WebappPatch): Promise<WebappChanges> {
    const changes: WebappChanges = {};
    if (patch.python_version !== undefined) changes.python_version = parsePythonVersion(patch.python_version);
    for (const field of ['source_directory', 'working_directory'] as const) {
      const value = patch[field];
      if (value !== undefined) changes[field] = this.userDirectory(owner, value, field);
    }
    if (patch.virtualenv_path !== undefined) changes.virtualenv_path = this.userDirectory(owner, patch.virtualenv_path, 'virtualenv_path');
    if (patch.force_https !== undefined) changes.force_https = patch.force_https ? 1 : 0;
    if (patch.server !== undefined) changes.server = patch.server;
    if (patch.workers !== undefined) {
      if (!Number.isInteger(patch.workers) || patch.workers < 1 || patch.workers > MAX_WORKERS) {
        throw new ValidationError(`workers must be a whole number from 1 to ${MAX_WORKERS}`, 'workers');
      }
      changes.workers = patch.workers;
    }
    if (patch.env !== undefined) changes.env_json = JSON.stringify(checkEnv(patch.env));
    if (patch.auto_reload !== undefined) changes.auto_reload = patch.auto_reload ? 1 : 0;
    await this.passwordProtection(app, patch, changes);
    return changes;
  }

  private async passwordProtection(app: WebappRow, patch: WebappPatch, changes: WebappChanges): Promise<void> {
    if (patch.password_protection_username !== undefined) {
      const name = patch.password_protection_username?.trim() || null;
      if (name !== null && (name.length > 100 || name.includes(':'))) {
        throw new ValidationError('password_protection_username must be at most 100 characters, without ":"', 'password_protection_username');
      }
      changes.password_protection_username = name;
    }
    if (patch.password_protection_password !== undefined) {
      const password = patch.password_protection_password || null;
      if (password !== null && password.length > 1024) {
        throw new ValidationError('password_protection_password must be at most 1024 characters', 'password_protection_password');
      }
      changes.password_protection_hash = password === null ? null : await hashPassword(password);
    }
    if (patch.password_protection_enabled !== undefined) changes.password_protection_enabled = patch.password_protection_enabled ? 1 : 0;
    const enabled = (changes.password_protection_enabled ?? app.password_protection_enabled) === 1;
    const username = changes.password_protection_username !== undefined ? changes.password_protection_username : app.password_protection_username;
    const hash = changes.password_protection_hash !== undefined ? changes.password_protection_hash : app.password_protection_hash;
    if (enabled && (!username || !hash)) {
      throw new ValidationError(
        'set password_protection_username and password_protection_password before enabling password protection',
        'password_protection_enabled',
      );
    }
  }

  /** A directory setting: empty means unset; otherwise a path in the user's own files. */
  private userDirectory(owner: UserRow, value: string | null, field: string): string | null {
    if (value === null || value.trim() === '') return null;
    try {
      return mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), value.trim()).visible;
    } catch (err) {
      if (err instanceof DomainError) throw new ValidationError(`${field}: ${err.message}`, field);
      throw err;
    }
  }

  update(app: WebappRow, changes: WebappChanges): WebappRow {
    return this.store.update(app.id, changes);
  }

  remove(app: WebappRow): void {
    this.store.remove(app.id);
  }

  staticFiles(app: WebappRow): StaticFileRow[] {
    return this.store.staticFiles(app.id);
  }

  staticFile(app: WebappRow, id: number): StaticFileRow {
    const row = this.store.staticFile(app.id, id);
    if (!row) throw new NotFoundError(`no static file mapping ${id}`);
    return row;
  }

  addStaticFile(owner: UserRow, app: WebappRow, input: StaticFileCreate): StaticFileRow {
    const url = checkStaticUrl(input.url);
    const target = this.staticPath(owner, input.path);
    if (this.store.staticFileByUrl(app.id, url)) throw new ConflictError(`a static file mapping for ${url} exists already`);
    return this.store.insertStaticFile(app.id, url, target);
  }

  updateStaticFile(owner: UserRow, app: WebappRow, id: number, input: StaticFilePatch): StaticFileRow {
    const current = this.staticFile(app, id);
    const url = input.url === undefined ? current.url : checkStaticUrl(input.url);
    const target = input.path === undefined ? current.path : this.staticPath(owner, input.path);
    const clash = this.store.staticFileByUrl(app.id, url);
    if (clash && clash.id !== id) throw new ConflictError(`a static file mapping for ${url} exists already`);
    return this.store.updateStaticFile(app.id, id, { url, path: target });
  }

  removeStaticFile(app: WebappRow, id: number): void {
    if (!this.store.removeStaticFile(app.id, id)) throw new NotFoundError(`no static file mapping ${id}`);
  }

  private staticPath(owner: UserRow, value: string): string {
    const result = this.userDirectory(owner, value, 'path');
    if (result === null) throw new ValidationError('path must be a folder or file in your files, e.g. /home/you/mysite/static', 'path');
    return result;
  }
}
