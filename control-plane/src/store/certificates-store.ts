import { nowIso, type Db } from './database.js';

export type CertificateSource = 'acme' | 'upload';

export interface CertificateRow {
  id: string;
  /** JSON array of host names. */
  names: string;
  source: CertificateSource;
  /** 'dashboard', 'webapp:<id>' or 'website:<id>'. */
  owner: string;
  issuer: string | null;
  not_before: string | null;
  not_after: string | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  failures: number;
  created_at: string;
}

/** What a certificate in PYHOST_DATA/tls is, and how its renewal goes; the files are the certificate service's. */
export class CertificatesStore {
  constructor(private readonly db: Db) {}

  all(): CertificateRow[] {
    return this.db.prepare('SELECT * FROM certificates ORDER BY id').all() as CertificateRow[];
  }

  byId(id: string): CertificateRow | undefined {
    return this.db.prepare('SELECT * FROM certificates WHERE id = ?').get(id) as CertificateRow | undefined;
  }

  /** Makes the row when it is missing (a first order); keeps what is there. */
  ensure(id: string, names: readonly string[], source: CertificateSource, owner: string): CertificateRow {
    this.db
      .prepare('INSERT OR IGNORE INTO certificates (id, names, source, owner, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, JSON.stringify(names), source, owner, nowIso());
    return this.byId(id)!;
  }

  /** A certificate was installed: its facts, and its renewal starts afresh. */
  installed(r: Pick<CertificateRow, 'id' | 'source' | 'owner' | 'issuer' | 'not_before' | 'not_after'> & { names: readonly string[] }): void {
    this.db
      .prepare(
        `INSERT INTO certificates (id, names, source, owner, issuer, not_before, not_after, failures, created_at)
              VALUES (@id, @names, @source, @owner, @issuer, @not_before, @not_after, 0, @now)
         ON CONFLICT(id) DO UPDATE SET names = @names, source = @source, owner = @owner, issuer = @issuer,
              not_before = @not_before, not_after = @not_after, last_error = NULL, next_attempt_at = NULL, failures = 0`,
      )
      .run({ ...r, names: JSON.stringify(r.names), now: nowIso() });
  }

  attempted(id: string, at: string): void {
    this.db.prepare('UPDATE certificates SET last_attempt_at = ? WHERE id = ?').run(at, id);
  }

  failed(id: string, error: string, nextAttemptAt: string): void {
    this.db
      .prepare('UPDATE certificates SET last_error = ?, next_attempt_at = ?, failures = failures + 1 WHERE id = ?')
      .run(error, nextAttemptAt, id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM certificates WHERE id = ?').run(id);
  }
}
