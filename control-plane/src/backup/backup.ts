import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseFile } from '../domain/layout.js';
import {
  BACKUP_DB,
  BACKUP_KEYS,
  BACKUP_MANIFEST,
  BACKUP_USERS,
  BackupError,
  KEY_FOLDERS,
  MANIFEST_FORMAT,
  inspectDatabase,
  sha256File,
  type Manifest,
} from './manifest.js';
import { packFolder, packNothing } from './tar.js';

export interface BackupOptions {
  /** PYHOST_DATA of the instance to back up (it may be running). */
  readonly dataDir: string;
  /** A folder that does not exist yet, or an empty one. */
  readonly targetDir: string;
}

/** The default place for a backup: inside the data folder, so it is on the host even from the api's container. */
export function defaultBackupDir(dataDir: string, now = new Date()): string {
  return path.join(dataDir, 'backups', now.toISOString().replace(/[:.]/g, '-'));
}

/**
 * An online backup of one instance: the database through SQLite's backup
 * API (a consistent snapshot even while the api writes; never a file copy,
 * which could catch a half-applied WAL), then the users' files as a tar.
 * The certificates and the ACME account key (tls/, acme/) go in a third tar.
 * The two are taken a moment apart: a file saved in between may be in the
 * tar without the database knowing of a change made at the same moment,
 * which for home folders is harmless.
 */
export async function createBackup({ dataDir, targetDir }: BackupOptions): Promise<Manifest> {
  const dbFile = databaseFile(dataDir);
  if (!fs.existsSync(dbFile)) throw new BackupError(`no Pyhost database at ${dbFile}: is PYHOST_DATA right?`);
  const target = path.resolve(targetDir);
  const users = path.join(dataDir, 'users');
  if (target === users || target.startsWith(users + path.sep)) {
    throw new BackupError(`the backup cannot go inside ${users}, which it backs up`);
  }
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw new BackupError(`${target} is not empty: choose a new folder so that no earlier backup is overwritten`);
  }
  await fsp.mkdir(target, { recursive: true, mode: 0o700 });

  const partial = path.join(target, `${BACKUP_DB}.partial`);
  const source = new Database(dbFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial);
  } finally {
    source.close();
  }
  // One self-contained file: no -wal/-shm beside it (the api turns WAL back on when it opens a restored copy).
  const copy = new Database(partial, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const summary = inspectDatabase(partial);
  await fsp.rename(partial, path.join(target, BACKUP_DB));

  const archive = path.join(target, BACKUP_USERS);
  if (fs.existsSync(users)) await packFolder(dataDir, 'users', archive);
  else await packNothing(archive);
  // The certificates' and the ACME account's keys: the folder is the admin's (0700), the files keep their modes.
  const keys = path.join(target, BACKUP_KEYS);
  const keyFolders = KEY_FOLDERS.filter((f) => fs.existsSync(path.join(dataDir, f)));
  if (keyFolders.length > 0) await packFolder(dataDir, keyFolders, keys);
  else await packNothing(keys);

  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    created_at: new Date().toISOString(),
    instance_id: summary.instanceId,
    schema_version: summary.schemaVersion,
    users: summary.users,
    webapps: summary.webapps,
    sha256: {
      [BACKUP_DB]: await sha256File(path.join(target, BACKUP_DB)),
      [BACKUP_USERS]: await sha256File(archive),
      [BACKUP_KEYS]: await sha256File(keys),
    },
  };
  // Written last: a folder with a manifest is a whole backup.
  await fsp.writeFile(path.join(target, BACKUP_MANIFEST), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  return manifest;
}
