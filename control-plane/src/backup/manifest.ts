import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

// What a backup folder holds, and how to tell that one is whole.

export const BACKUP_DB = 'pyhost.db';
export const BACKUP_USERS = 'users.tar.gz';
/** tls/ (certificates and their keys) and acme/ (the ACME account's key); absent from backups made before them. */
export const BACKUP_KEYS = 'keys.tar.gz';
/** The folders of PYHOST_DATA that BACKUP_KEYS holds. */
export const KEY_FOLDERS = ['tls', 'acme'] as const;
export const BACKUP_MANIFEST = 'manifest.json';
export const MANIFEST_FORMAT = 1;

export interface Manifest {
  readonly format: number;
  readonly created_at: string;
  readonly instance_id: string;
  readonly schema_version: number;
  readonly users: readonly string[];
  readonly webapps: readonly string[];
  /** SHA-256 of each file in the folder, so a restore notices a damaged copy. */
  readonly sha256: Readonly<Record<string, string>>;
}

/** What a database holds, read from a copy: the manifest's summary. */
export interface DatabaseSummary {
  readonly instanceId: string;
  readonly schemaVersion: number;
  readonly users: string[];
  readonly webapps: string[];
}

export class BackupError extends Error {}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Opens a database copy read-only, checks it page by page and reads its summary. */
export function inspectDatabase(file: string): DatabaseSummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} is damaged: integrity_check says ${String(check)}`);
    const instance = db.prepare(`SELECT value FROM meta WHERE key = 'instance_id'`).get() as { value: string } | undefined;
    return {
      instanceId: instance?.value ?? '',
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      users: (db.prepare('SELECT username FROM users ORDER BY username').all() as { username: string }[]).map((r) => r.username),
      webapps: (db.prepare('SELECT domain_name FROM webapps ORDER BY domain_name').all() as { domain_name: string }[]).map((r) => r.domain_name),
    };
  } finally {
    db.close();
  }
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, BACKUP_MANIFEST);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BackupError(`${dir} is not a Pyhost backup: cannot read ${BACKUP_MANIFEST} (${(err as Error).message})`);
  }
  const m = parsed as Partial<Manifest>;
  if (m.format !== MANIFEST_FORMAT || typeof m.sha256 !== 'object' || m.sha256 === null || !Array.isArray(m.users)) {
    throw new BackupError(`${file} is not a manifest this Pyhost understands (format ${String(m.format)})`);
  }
  return m as Manifest;
}

/** Throws unless every file the manifest lists is there with the same checksum. */
export async function verifyChecksums(dir: string, manifest: Manifest): Promise<void> {
  const names = manifest.sha256[BACKUP_KEYS] ? [BACKUP_DB, BACKUP_USERS, BACKUP_KEYS] : [BACKUP_DB, BACKUP_USERS];
  for (const name of names) {
    const expected = manifest.sha256[name];
    const file = path.join(dir, name);
    if (!expected) throw new BackupError(`the manifest in ${dir} has no checksum for ${name}`);
    if (!fs.existsSync(file)) throw new BackupError(`${file} is missing`);
    if ((await sha256File(file)) !== expected) throw new BackupError(`${file} does not match its checksum: the backup is damaged`);
  }
}
