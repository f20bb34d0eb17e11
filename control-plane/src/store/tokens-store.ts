import { nowIso, type Db } from './database.js';

export interface TokenRow {
  id: number;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export class TokensStore {
  constructor(private readonly db: Db) {}

  insert(userId: number, name: string, tokenHash: string): TokenRow {
    const info = this.db
      .prepare('INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(userId, name, tokenHash, nowIso());
    return this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(Number(info.lastInsertRowid)) as TokenRow;
  }

  byHash(tokenHash: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as TokenRow | undefined;
  }

  forUser(userId: number): TokenRow[] {
    return this.db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id').all(userId) as TokenRow[];
  }

  touch(id: number): void {
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(nowIso(), id);
  }

  /** Revokes every API token of the user. */
  removeForUser(userId: number): void {
    this.db.prepare('DELETE FROM api_tokens WHERE user_id = ?').run(userId);
  }

  /** Deletes the user's token; false when the user has no token with that id. */
  remove(userId: number, id: number): boolean {
    return this.db.prepare('DELETE FROM api_tokens WHERE id = ? AND user_id = ?').run(id, userId).changes > 0;
  }
}
