import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { applyOverrides, parseOverrides, validateOverrides, type LimitOverrides } from '../../domain/limits.js';
import type { Principal } from '../../domain/principal.js';
import { parseFutureTimestamp } from '../../domain/timestamps.js';
import { randomToken, sha256 } from '../../lib/secrets.js';
import type { InviteCodeListing, InviteCodesStore } from '../../store/invite-codes-store.js';
import type { UsersStore } from '../../store/users-store.js';
import type { InstanceSettings } from './instance-settings.js';

const ASK_AGAIN = 'ask your teacher for a new one';
const SIGNUP_CLOSED = 'Sign-up is closed on this Pyhost: ask an administrator to create your account';

export interface NewInvite {
  readonly label?: string;
  readonly expires_at?: string;
  readonly max_uses?: number;
  readonly accounts_expire_at?: string;
  /** Limit overrides for the accounts made with the code (admins only). */
  readonly limits?: Record<string, unknown>;
}

export type InviteStatus = 'active' | 'expired' | 'used_up' | 'revoked';

/** A code as its maker sees it (never the code itself: only its hash is kept). */
export interface InviteView {
  readonly row: InviteCodeListing;
  readonly status: InviteStatus;
  readonly limits: LimitOverrides;
}

/** What the sign-up page shows for a code. */
export interface InviteCheck {
  readonly valid: boolean;
  /** Whose student the new account becomes (only for a valid code). */
  readonly teacher: string | null;
  readonly accounts_expire_at: string | null;
  /** Why it cannot be used, for the person holding it. */
  readonly reason?: string;
}

/** What a code gives the account made with it. */
export interface Redemption {
  readonly teacherId: number;
  readonly expiresAt: string | null;
  readonly limitsJson: string;
}

/**
 * Invite codes: a teacher (or an admin) makes one, shows it to a class as
 * a link, and whoever signs up with it becomes the maker's student, with
 * the code's expiry date and limits. The code is shown once; only its
 * SHA-256 is kept.
 */
export class InviteCodes {
  constructor(
    private readonly codes: InviteCodesStore,
    private readonly users: UsersStore,
    private readonly settings: InstanceSettings,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  create(maker: Principal, input: NewInvite): { invite: InviteView; code: string } {
    if (this.settings.signupMode() === 'closed') {
      throw new ConflictError("sign-up is closed on this Pyhost, so an invite code would not work: an administrator can switch sign-up to 'invite' or 'open' on the Admin page");
    }
    const limits = input.limits ?? {};
    if (Object.keys(limits).length > 0 && !maker.isAdmin) throw new ForbiddenError('only an administrator may give an invite code its own limits');
    const label = (input.label ?? '').trim();
    if (label.length > 100) throw new ValidationError('label must be at most 100 characters', 'label');
    const now = this.now();
    const code = randomToken();
    const row = this.codes.insert({
      code_sha256: sha256(code),
      label,
      created_by: maker.userId,
      expires_at: input.expires_at === undefined ? null : parseFutureTimestamp(input.expires_at, 'expires_at', now),
      max_uses: input.max_uses ?? null,
      accounts_expire_at: input.accounts_expire_at === undefined ? null : parseFutureTimestamp(input.accounts_expire_at, 'accounts_expire_at', now),
      limits_json: applyOverrides('{}', validateOverrides(limits)),
    });
    return { invite: this.view(row), code };
  }

  /** The caller's codes, newest first; an admin sees everyone's. */
  list(caller: Principal): InviteView[] {
    return this.codes.list(caller.isAdmin ? undefined : caller.userId).map((row) => this.view(row));
  }

  /** Stops a code working. Someone else's code is a 404, unless the caller is an admin. */
  revoke(caller: Principal, id: number): void {
    const row = this.codes.byId(id);
    if (!row || (row.created_by !== caller.userId && !caller.isAdmin)) throw new NotFoundError(`no invite code ${id} of yours`);
    this.codes.revoke(id);
  }

  check(code: string): InviteCheck {
    const row = this.codes.byHash(sha256(code));
    // Sign-up would refuse it (auth-service.ts): the sign-up page must not promise an account.
    const reason = this.settings.signupMode() === 'closed' ? SIGNUP_CLOSED : this.problem(row);
    if (reason !== null || !row) return { valid: false, teacher: null, accounts_expire_at: null, reason: reason ?? undefined };
    return { valid: true, teacher: row.created_by_username, accounts_expire_at: row.accounts_expire_at };
  }

  /** Refuses (403, saying why) a code that cannot be used now. */
  assertUsable(code: string): void {
    const reason = this.problem(this.codes.byHash(sha256(code)));
    if (reason !== null) throw new ForbiddenError(reason);
  }

  /**
   * Takes one use of the code, inside the transaction that creates the
   * account: when the account is not made, the use is not taken either.
   */
  redeem(code: string): Redemption {
    const row = this.codes.byHash(sha256(code));
    const reason = this.problem(row);
    if (reason !== null || !row) throw new ForbiddenError(reason ?? 'this invite code cannot be used');
    if (!this.codes.takeUse(row.id, this.now())) throw new ForbiddenError(this.problem(this.codes.byId(row.id)) ?? `this invite code cannot be used now: ${ASK_AGAIN}`);
    return { teacherId: row.created_by, expiresAt: row.accounts_expire_at, limitsJson: row.limits_json };
  }

  /** Why a code cannot be used now, or null when it can. */
  private problem(row: InviteCodeListing | undefined): string | null {
    if (!row) return `this invite code is not known here: check that you copied the whole link, or ${ASK_AGAIN}`;
    const now = this.now();
    if (row.revoked_at !== null) return `this invite code was withdrawn: ${ASK_AGAIN}`;
    if (row.expires_at !== null && row.expires_at <= now) return `this invite code expired on ${day(row.expires_at)}: ${ASK_AGAIN}`;
    if (row.accounts_expire_at !== null && row.accounts_expire_at <= now) {
      return `the accounts this invite code makes expired on ${day(row.accounts_expire_at)}: ${ASK_AGAIN}`;
    }
    if (this.statusOf(row) === 'used_up') return `this invite code has been used up (${row.uses} of ${row.max_uses} uses): ${ASK_AGAIN}`;
    // Its maker lost the right to make codes, or their account is disabled.
    const maker = this.users.byId(row.created_by);
    if (!maker || maker.disabled_at !== null || (maker.is_teacher === 0 && maker.is_admin === 0)) {
      return `this invite code was withdrawn (the teacher who made it takes no students now): ${ASK_AGAIN}`;
    }
    return null;
  }

  private statusOf(row: InviteCodeListing): InviteStatus {
    if (row.revoked_at !== null) return 'revoked';
    const now = this.now();
    // A workshop that is over: the code would make accounts already expired, so it is as good as expired.
    if (row.expires_at !== null && row.expires_at <= now) return 'expired';
    if (row.accounts_expire_at !== null && row.accounts_expire_at <= now) return 'expired';
    if (row.max_uses !== null && row.uses >= row.max_uses) return 'used_up';
    return 'active';
  }

  private view(row: InviteCodeListing): InviteView {
    return { row, status: this.statusOf(row), limits: parseOverrides(row.limits_json) };
  }
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
