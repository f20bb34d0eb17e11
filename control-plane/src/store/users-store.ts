import { nowIso, type Db } from './database.js';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_admin: 0 | 1;
  created_at: string;
}

export class UsersStore {
  constructor(private readonly db: Db) {}

  byUsername(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }

  byId(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  insert(username: string, passwordHash: string, isAdmin: boolean): UserRow {
    const info = this.db
      .prepare('INSERT INTO users (username, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?)')
      .run(username, passwordHash, isAdmin ? 1 : 0, nowIso());
    return this.byId(Number(info.lastInsertRowid))!;
  }

  update(id: number, fields: { passwordHash?: string; isAdmin?: boolean }): void {
    if (fields.passwordHash !== undefined) {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(fields.passwordHash, id);
    }
    if (fields.isAdmin !== undefined) {
      this.db.prepare('UPDATE users SET is_admin = ? WHERE id = ?').run(fields.isAdmin ? 1 : 0, id);
    }
  }

  all(): UserRow[] {
    return this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[];
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }
}
