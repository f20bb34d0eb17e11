import { nowIso, type Db } from './database.js';

export interface InviteCodeRow {
  id: number;
  /** Only the SHA-256 of the code is kept; the code itself is shown once. */
  code_sha256: string;
  label: string;
  created_by: number;
  created_at: string;
  expires_at: string | null;
  max_uses: number | null;
  uses: number;
  /** Accounts made with the code are disabled by themselves then (a workshop's end). */
  accounts_expire_at: string | null;
  /** Limit overrides the accounts made with the code start with (domain/limits.ts). */
  limits_json: string;
  revoked_at: string | null;
}

/** A code as listed, with its maker's name (an admin sees everyone's). */
export interface InviteCodeListing extends InviteCodeRow {
  created_by_username: string;
}

export type NewInviteCode = Pick<InviteCodeRow, 'code_sha256' | 'label' | 'created_by' | 'expires_at' | 'max_uses' | 'accounts_expire_at' | 'limits_json'>;

const LISTING = `SELECT c.*, u.username AS created_by_username FROM invite_codes c JOIN users u ON u.id = c.created_by`;

export class InviteCodesStore {
  constructor(private readonly db: Db) {}

  insert(code: NewInviteCode): InviteCodeListing {
    const info = this.db
      .prepare(
        `INSERT INTO invite_codes (code_sha256, label, created_by, created_at, expires_at, max_uses, accounts_expire_at, limits_json)
         VALUES (@code_sha256, @label, @created_by, @created_at, @expires_at, @max_uses, @accounts_expire_at, @limits_json)`,
      )
      .run({ ...code, created_at: nowIso() });
    return this.byId(Number(info.lastInsertRowid))!;
  }

  byId(id: number): InviteCodeListing | undefined {
    return this.db.prepare(`${LISTING} WHERE c.id = ?`).get(id) as InviteCodeListing | undefined;
  }

  byHash(codeSha256: string): InviteCodeListing | undefined {
    return this.db.prepare(`${LISTING} WHERE c.code_sha256 = ?`).get(codeSha256) as InviteCodeListing | undefined;
  }

  /** Newest first; `createdBy` undefined: everyone's. */
  list(createdBy?: number): InviteCodeListing[] {
    if (createdBy === undefined) return this.db.prepare(`${LISTING} ORDER BY c.id DESC`).all() as InviteCodeListing[];
    return this.db.prepare(`${LISTING} WHERE c.created_by = ? ORDER BY c.id DESC`).all(createdBy) as InviteCodeListing[];
  }

  /** True when the code was still in force (revoking twice changes nothing). */
  revoke(id: number): boolean {
    return this.db.prepare('UPDATE invite_codes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(nowIso(), id).changes > 0;
  }

  /**
   * Takes one use of the code if it is still good at `at`: not withdrawn,
   * not expired, not used up. One statement, so two sign-ups at once can
   * never both take the last use. False when it was not good.
   */
  takeUse(id: number, at: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE invite_codes SET uses = uses + 1
            WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
              AND (max_uses IS NULL OR uses < max_uses)`,
        )
        .run(id, at).changes > 0
    );
  }
}
