import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { databaseFile } from '../domain/layout.js';
import { socketAnswers } from '../lib/unix-socket.js';
import { BACKUP_DB, BACKUP_KEYS, BACKUP_USERS, BackupError, KEY_FOLDERS, inspectDatabase, readManifest, verifyChecksums, type Manifest } from './manifest.js';
import { unpack } from './tar.js';

export interface RestoreOptions {
  /** PYHOST_DATA of the instance to restore into. Its api must be stopped. */
  readonly dataDir: string;
  /** The api's unix socket: if something answers there, the api is running and the restore refuses. */
  readonly apiSocket: string;
  /** A folder made by createBackup. */
  readonly sourceDir: string;
}

export interface RestoreResult {
  readonly manifest: Manifest;
  /** Where the data that was there before went (null when there was none). */
  readonly setAside: string | null;
}

/**
 * Puts a backup back into a data folder. Refuses while the api runs: it
 * holds the database open and would keep writing to the file being
 * replaced. What was there before is not deleted but moved into
 * `before-restore-<time>/` in the data folder.
 */
export async function restoreBackup({ dataDir, apiSocket, sourceDir }: RestoreOptions): Promise<RestoreResult> {
  const source = path.resolve(sourceDir);
  const manifest = readManifest(source);
  await verifyChecksums(source, manifest);
  inspectDatabase(path.join(source, BACKUP_DB));

  if (await socketAnswers(apiSocket)) {
    throw new BackupError(
      `the api is running (it answers on ${apiSocket}) and holds the database: stop it first ` +
        '(docker compose stop api router, or Ctrl-C the npm start), then run the restore again',
    );
  }

  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const dbFile = databaseFile(dataDir);
  const existing = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, path.join(dataDir, 'users'), ...KEY_FOLDERS.map((f) => path.join(dataDir, f))]
    .filter((p) => fs.existsSync(p));
  let setAside: string | null = null;
  if (existing.length > 0) {
    setAside = path.join(dataDir, `before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    await fsp.mkdir(setAside, { mode: 0o700 });
    for (const p of existing) await fsp.rename(p, path.join(setAside, path.basename(p)));
  }

  // The database last, and by rename: a restore cut short leaves no
  // database, never a half-copied one that the api would start on.
  await unpack(path.join(source, BACKUP_USERS), dataDir);
  if (manifest.sha256[BACKUP_KEYS]) await unpack(path.join(source, BACKUP_KEYS), dataDir);
  const partial = `${dbFile}.restoring`;
  await fsp.copyFile(path.join(source, BACKUP_DB), partial);
  await fsp.chmod(partial, 0o600);
  const handle = await fsp.open(partial, 'r');
  await handle.sync();
  await handle.close();
  await fsp.rename(partial, dbFile);
  return { manifest, setAside };
}
