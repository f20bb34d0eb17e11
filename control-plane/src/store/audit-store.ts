import { nowIso, type Db } from './database.js';

export interface AuditRow {
  id: number;
  subject_id: number;
  actor_id: number | null;
  actor_username: string;
  actor_role: 'teacher' | 'admin';
  method: string;
  path: string;
  status: number;
  at: string;
}

export type NewAuditEntry = Omit<AuditRow, 'id' | 'at'>;

/** What others did with a user's things, newest last. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  insert(entry: NewAuditEntry): void {
    this.db
      .prepare(
        `INSERT INTO audit_log (subject_id, actor_id, actor_username, actor_role, method, path, status, at)
         VALUES (@subject_id, @actor_id, @actor_username, @actor_role, @method, @path, @status, @at)`,
      )
      .run({ ...entry, at: nowIso() });
  }

  /** The subject's entries, newest first, `limit` of them from before id `before` (paging). */
  forSubject(subjectId: number, limit: number, before?: number): AuditRow[] {
    return this.db
      .prepare('SELECT * FROM audit_log WHERE subject_id = ? AND id < ? ORDER BY id DESC LIMIT ?')
      .all(subjectId, before ?? Number.MAX_SAFE_INTEGER, limit) as AuditRow[];
  }
}
