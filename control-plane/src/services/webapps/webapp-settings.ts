import type { Config } from '../../config.js';
import { DomainError, ValidationError } from '../../domain/errors.js';
import { userDirs } from '../../domain/layout.js';
import { overLimit } from '../../domain/limits.js';
import { MAX_WORKERS, checkEnv, parsePythonVersion } from '../../domain/webapp-rules.js';
import { mapVisiblePath } from '../../lib/path-confinement.js';
import { hashPassword } from '../../lib/secrets.js';
import type { WebappPatch } from '../../schemas/webapps.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappChanges, WebappRow } from '../../store/webapps-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';

/**
 * What a web app's settings may be, turned from the API's fields into the
 * store's columns: paths inside the user's own files (which need not exist
 * yet: PythonAnywhere's tools configure first and create the folders
 * after), whole numbers in range, passwords hashed.
 */
export class WebappSettings {
  constructor(
    private readonly config: Config,
    /** What each account may use (its `workers` limit). */
    private readonly limits: Pick<AccountLimits, 'of'>,
  ) {}

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
    if (patch.hsts_enabled !== undefined) changes.hsts_enabled = patch.hsts_enabled ? 1 : 0;
    if (patch.server !== undefined) changes.server = patch.server;
    if (patch.workers !== undefined) changes.workers = this.workers(owner, patch.workers);
    if (patch.env !== undefined) changes.env_json = JSON.stringify(checkEnv(patch.env));
    if (patch.auto_reload !== undefined) changes.auto_reload = patch.auto_reload ? 1 : 0;
    await this.passwordProtection(app, patch, changes);
    return changes;
  }

  /**
   * Workers within the account's limit. Only a value being set is checked:
   * an app saved with more before an admin lowered the limit keeps them
   * (and runs with them) until its workers are set again.
   */
  private workers(owner: UserRow, value: number): number {
    if (!Number.isInteger(value) || value < 1 || value > MAX_WORKERS) {
      throw new ValidationError(`workers must be a whole number from 1 to ${MAX_WORKERS}`, 'workers');
    }
    const limits = this.limits.of(owner);
    if (value > limits.workers) throw overLimit('workers', limits);
    return value;
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
      changes.password_protection_hash = password === null ? null : await hashPassword(password, this.config.passwordHashCost);
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
  userDirectory(owner: UserRow, value: string | null, field: string): string | null {
    if (value === null || value.trim() === '') return null;
    try {
      return mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), value.trim()).visible;
    } catch (err) {
      if (err instanceof DomainError) throw new ValidationError(`${field}: ${err.message}`, field);
      throw err;
    }
  }

  /** The folder the app's code is in, as a checked visible path. */
  directory(owner: UserRow, value: string, field: string): string {
    return this.userDirectory(owner, value, field) ?? `/home/${owner.username}`;
  }
}
