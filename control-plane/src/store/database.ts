import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite store and brings its schema up to
 * date. WAL lets readers run beside the single writer; synchronous=FULL
 * because a lost web app or account after a power cut is worse than a
 * slower write.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = allMigrations): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  keepPrivate(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

/**
 * The store holds password and token hashes: root alone may read it, also
 * where its folder lets the router through. SQLite gives its -wal and -shm
 * files the database file's mode.
 */
function keepPrivate(file: string): void {
  fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

/**
 * A random id for this instance, made once per data directory. It goes on
 * every container's labels so that two instances sharing one Docker Engine
 * never touch each other's containers.
 */
export function instanceId(db: Db): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'instance_id'`).get() as { value: string } | undefined;
  if (row) return row.value;
  const id = crypto.randomBytes(6).toString('hex');
  db.prepare(`INSERT INTO meta (key, value) VALUES ('instance_id', ?)`).run(id);
  return id;
}

export function nowIso(): string {
  return new Date().toISOString();
}
