import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.js';
import { openDatabase, schemaVersion } from '../../src/store/database.js';
import { UsersStore } from '../../src/store/users-store.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-migrate-'));
  dirs.push(dir);
  return path.join(dir, 'pyhost.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are numbered 1, 2, 3… without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('bring an empty database to the latest schema with the right pragmas', () => {
    const db = openDatabase(tempDb());
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  it('never hand out a user id (so a uid) twice, even the newest one deleted, across an upgrade', () => {
    const file = tempDb();
    const old = openDatabase(file, migrations.slice(0, 5));
    for (const name of ['a', 'b', 'c']) old.prepare(`INSERT INTO users (username, password_hash, created_at) VALUES (?, 'x', 'now')`).run(name);
    old.prepare(`DELETE FROM users WHERE username = 'c'`).run();
    old.close();
    const db = openDatabase(file);
    const users = new UsersStore(db);
    // Before the upgrade the high-water mark was lost with row 3: ids after the largest left.
    expect(users.insert('d', 'x', false).id).toBe(3);
    users.remove(users.byUsername('d')!.id);
    users.remove(users.byUsername('b')!.id);
    expect(users.insert('e', 'x', false).id).toBe(4);
    expect(users.insert('f', 'x', false).id).toBe(5);
    db.close();
  });

  it('upgrade every earlier schema, keeping its rows', () => {
    for (let k = 0; k < migrations.length; k++) {
      const file = tempDb();
      const old = openDatabase(file, migrations.slice(0, k));
      expect(schemaVersion(old)).toBe(k);
      if (k >= 1) {
        old.prepare(`INSERT INTO users (username, password_hash, created_at) VALUES ('keep', 'x', 'now')`).run();
      }
      old.close();
      const db = openDatabase(file);
      expect(schemaVersion(db)).toBe(migrations.length);
      if (k >= 1) expect(db.prepare(`SELECT username FROM users`).all()).toEqual([{ username: 'keep' }]);
      db.close();
    }
  });

  it('apply a new migration to the previous schema and keep its data (the upgrade path)', () => {
    const file = tempDb();
    const previous = openDatabase(file);
    previous.prepare(`INSERT INTO users (username, password_hash, created_at) VALUES ('alice', 'x', 'now')`).run();
    previous.close();
    const next = [...migrations, { version: migrations.length + 1, description: 'test', sql: `ALTER TABLE users ADD COLUMN email TEXT` }];
    const db = openDatabase(file, next);
    expect(schemaVersion(db)).toBe(migrations.length + 1);
    expect(db.prepare(`SELECT username, email FROM users`).all()).toEqual([{ username: 'alice', email: null }]);
    db.close();
  });

  it('roll back a migration that fails, leaving the version where it was', () => {
    const file = tempDb();
    openDatabase(file).close();
    const broken = [...migrations, { version: migrations.length + 1, description: 'broken', sql: `CREATE TABLE t (x); SELECT * FROM nope;` }];
    expect(() => openDatabase(file, broken)).toThrow();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 't'`).all()).toEqual([]);
    db.close();
  });

  it('cascade: deleting a user leaves no rows pointing at nothing', () => {
    const db = openDatabase(tempDb());
    const uid = db.prepare(`INSERT INTO users (username, password_hash, created_at) VALUES ('a', 'x', 'now')`).run().lastInsertRowid;
    const wid = db
      .prepare(`INSERT INTO webapps (user_id, domain_name, python_version, created_at, updated_at) VALUES (?, 'a.localhost', '3.11', 'now', 'now')`)
      .run(uid).lastInsertRowid;
    db.prepare(`INSERT INTO static_files (webapp_id, url, path) VALUES (?, '/s/', '/var/www/s')`).run(wid);
    db.prepare(`INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, 't', 'h', 'now')`).run(uid);
    db.prepare(`DELETE FROM users WHERE id = ?`).run(uid);
    for (const table of ['webapps', 'static_files', 'api_tokens', 'sessions']) {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    db.close();
  });
});
