import { nowIso, type Db } from './database.js';

/** Why an account cannot log in: an admin's decision, its expiry date, or its removal under way. */
export type DisabledReason = 'admin' | 'expired' | 'deleting';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_admin: 0 | 1;
  is_teacher: 0 | 1;
  /** The teacher who may look at this user's things (PythonAnywhere's teacher/students). */
  teacher_id: number | null;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: DisabledReason | null;
  /** When a workshop account is disabled by itself (ISO time), if ever. */
  expires_at: string | null;
  last_login_at: string | null;
  /** This user's overrides of the instance's default limits (domain/limits.ts). */
  limits_json: string;
}

export class UsersStore {
  constructor(private readonly db: Db) {}

  byUsername(username: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }

  byId(id: number): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  /**
   * Never reuses an id (and so a uid): the next one is past both the
   * largest id there is and the largest there ever was (meta last_user_id,
   * which a trigger keeps).
   */
  insert(username: string, passwordHash: string, isAdmin: boolean, extra: { teacherId?: number; expiresAt?: string | null; limitsJson?: string } = {}): UserRow {
    const info = this.db
      .prepare(
        `INSERT INTO users (id, username, password_hash, is_admin, teacher_id, expires_at, limits_json, created_at)
         VALUES (MAX(COALESCE((SELECT MAX(id) FROM users), 0),
                     COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'last_user_id'), 0)) + 1,
                 ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(username, passwordHash, isAdmin ? 1 : 0, extra.teacherId ?? null, extra.expiresAt ?? null, extra.limitsJson ?? '{}', nowIso());
    return this.byId(Number(info.lastInsertRowid))!;
  }

  update(id: number, fields: { passwordHash?: string; isAdmin?: boolean; isTeacher?: boolean; teacherId?: number | null; expiresAt?: string | null; limitsJson?: string }): void {
    const set: string[] = [];
    const values: unknown[] = [];
    const put = (column: string, value: unknown) => {
      set.push(`${column} = ?`);
      values.push(value);
    };
    if (fields.passwordHash !== undefined) put('password_hash', fields.passwordHash);
    if (fields.isAdmin !== undefined) put('is_admin', fields.isAdmin ? 1 : 0);
    if (fields.isTeacher !== undefined) put('is_teacher', fields.isTeacher ? 1 : 0);
    if (fields.teacherId !== undefined) put('teacher_id', fields.teacherId);
    if (fields.expiresAt !== undefined) put('expires_at', fields.expiresAt);
    if (fields.limitsJson !== undefined) put('limits_json', fields.limitsJson);
    if (set.length === 0) return;
    this.db.prepare(`UPDATE users SET ${set.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Disables (a reason) or enables again (null). */
  setDisabled(id: number, reason: DisabledReason | null): void {
    this.db
      .prepare('UPDATE users SET disabled_at = ?, disabled_reason = ? WHERE id = ?')
      .run(reason === null ? null : nowIso(), reason, id);
  }

  touchLogin(id: number): void {
    this.db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(nowIso(), id);
  }

  /** Enabled accounts whose expiry date has passed. */
  expiredBy(at: string): UserRow[] {
    return this.db.prepare('SELECT * FROM users WHERE disabled_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?').all(at) as UserRow[];
  }

  studentsOf(teacherId: number): UserRow[] {
    return this.db.prepare('SELECT * FROM users WHERE teacher_id = ? ORDER BY username').all(teacherId) as UserRow[];
  }

  /** Ids of the accounts that are disabled (or being deleted): nothing of theirs runs. */
  disabledIds(): Set<number> {
    return new Set((this.db.prepare('SELECT id FROM users WHERE disabled_at IS NOT NULL').all() as { id: number }[]).map((r) => r.id));
  }

  /** Enabled admins: the ones who could still run this instance. */
  activeAdminCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users WHERE is_admin = 1 AND disabled_at IS NULL').get() as { n: number }).n;
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
