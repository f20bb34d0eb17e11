import { uidFor } from '../../domain/layout.js';
import { effectiveLimits, parseOverrides, type LimitOverrides, type Limits } from '../../domain/limits.js';
import type { AccountListRow, AccountQuery, AccountSort, AccountList } from '../../store/account-list.js';
import type { DisabledReason } from '../../store/users-store.js';
import type { AccountLimits } from './account-limits.js';
import type { DiskUsage } from './disk-usage.js';

/** One account as the Admin page shows it (docs/classroom.md, AdminUser). */
export interface AdminUser {
  username: string;
  uid: number;
  is_admin: boolean;
  is_teacher: boolean;
  teacher: string | null;
  students: number;
  created_at: string;
  last_login_at: string | null;
  disabled: boolean;
  disabled_reason: DisabledReason | null;
  expires_at: string | null;
  webapps: string[];
  consoles: number;
  /** Scheduled and always-on tasks. */
  tasks: number;
  /** Bytes of disk the account's files take, measured in the background; null until they are. */
  disk_bytes: number | null;
  limits: Limits;
  overrides: LimitOverrides;
}

export type AdminSort = AccountSort | 'disk_bytes';

export interface AdminQuery extends Omit<AccountQuery, 'sort'> {
  readonly sort?: AdminSort;
}

/** Builds AdminUser views from the store's one-query list, the limits and the disk sampler. */
export class AdminView {
  constructor(
    private readonly list: AccountList,
    private readonly limits: AccountLimits,
    private readonly disk: DiskUsage,
    private readonly uidBase: number,
  ) {}

  all({ sort = 'username', order = 'asc', search = '' }: AdminQuery = {}): AdminUser[] {
    const rows = this.list.list({ search: search.trim().toLowerCase(), sort: sort === 'disk_bytes' ? 'username' : sort, order });
    const defaults = this.limits.defaults();
    const users = rows.map((r) => this.view(r, defaults));
    if (sort !== 'disk_bytes') return users;
    // Measured in memory, not in the database: sorted here, unmeasured ones last.
    const sign = order === 'desc' ? -1 : 1;
    return users.sort((a, b) => {
      if (a.disk_bytes === null || b.disk_bytes === null) return (a.disk_bytes === null ? 1 : 0) - (b.disk_bytes === null ? 1 : 0);
      return sign * (a.disk_bytes - b.disk_bytes) || a.username.localeCompare(b.username);
    });
  }

  /** The account with this id, as the Admin page shows it. */
  of(userId: number): AdminUser {
    const row = this.list.byId(userId);
    if (!row) throw new Error(`no account with id ${userId}`);
    return this.view(row, this.limits.defaults());
  }

  /**
   * What AccountLimits.of and overridesOf say, from the row this query just
   * read and the defaults read once: a list of 500 stays one query.
   */
  private view(r: AccountListRow, defaults: Limits): AdminUser {
    const overrides = parseOverrides(r.limits_json);
    return {
      username: r.username,
      uid: uidFor(this.uidBase, r.id),
      is_admin: r.is_admin === 1,
      is_teacher: r.is_teacher === 1,
      teacher: r.teacher_username,
      students: r.students,
      created_at: r.created_at,
      last_login_at: r.last_login_at,
      disabled: r.disabled_at !== null,
      disabled_reason: r.disabled_reason,
      expires_at: r.expires_at,
      webapps: r.webapp_domains,
      consoles: r.consoles,
      tasks: r.tasks,
      disk_bytes: this.disk.bytesOf(r.id),
      limits: effectiveLimits(defaults, overrides),
      overrides,
    };
  }
}
