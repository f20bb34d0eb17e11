import { nowIso, type Db } from './database.js';

export interface SessionRow {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export class SessionsStore {
  constructor(private readonly db: Db) {}

  insert(idHash: string, userId: number, csrfToken: string, expiresAt: Date): void {
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(idHash, userId, csrfToken, nowIso(), expiresAt.toISOString());
  }

  /** The live session with this id hash, or undefined (expired ones count as gone). */
  live(idHash: string): SessionRow | undefined {
    return this.db
      .prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?')
      .get(idHash, nowIso()) as SessionRow | undefined;
  }

  remove(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  /** Ends every session of the user (a password reset, a disabled or deleted account). */
  removeForUser(userId: number): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  removeExpired(): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(nowIso());
  }
}
