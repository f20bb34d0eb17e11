import type { Db } from './database.js';
import type { UserRow } from './users-store.js';

/** A user with what the Admin page shows beside them, from one query. */
export interface AccountListRow extends UserRow {
  teacher_username: string | null;
  /** The user's web apps' domains, in order. */
  webapp_domains: string[];
  consoles: number;
  /** Scheduled and always-on tasks. */
  tasks: number;
  students: number;
}

export type AccountSort = 'username' | 'created_at' | 'last_login_at' | 'webapps';

export interface AccountQuery {
  /** Part of the username; empty for everyone. */
  readonly search?: string;
  readonly sort?: AccountSort;
  readonly order?: 'asc' | 'desc';
}

// Column expressions by sort key: never SQL text from a request.
const ORDER_BY: Record<AccountSort, string> = {
  username: 'u.username',
  created_at: 'u.created_at',
  last_login_at: 'u.last_login_at',
  webapps: 'webapp_count',
};

const SELECT = `
  SELECT u.*,
         t.username AS teacher_username,
         (SELECT json_group_array(domain_name) FROM (SELECT domain_name FROM webapps w WHERE w.user_id = u.id ORDER BY domain_name)) AS webapps_json,
         (SELECT COUNT(*) FROM webapps w WHERE w.user_id = u.id) AS webapp_count,
         (SELECT COUNT(*) FROM consoles c WHERE c.user_id = u.id) AS consoles,
         (SELECT COUNT(*) FROM scheduled_tasks st WHERE st.user_id = u.id)
           + (SELECT COUNT(*) FROM always_on_tasks ao WHERE ao.user_id = u.id) AS tasks,
         (SELECT COUNT(*) FROM users s WHERE s.teacher_id = u.id) AS students
  FROM users u LEFT JOIN users t ON t.id = u.teacher_id`;

type RawRow = Omit<AccountListRow, 'webapp_domains'> & { webapps_json: string; webapp_count: number };

function shape(raw: RawRow): AccountListRow {
  const { webapps_json, webapp_count: _count, ...rest } = raw;
  return { ...rest, webapp_domains: JSON.parse(webapps_json) as string[] };
}

/**
 * The Admin page's list of accounts: each user with their web apps,
 * consoles, tasks and students counted by the database in the same query (the
 * correlated sub-queries use the per-user indexes), so 500 users are one
 * round trip rather than 1,500.
 */
export class AccountList {
  constructor(private readonly db: Db) {}

  list({ search = '', sort = 'username', order = 'asc' }: AccountQuery = {}): AccountListRow[] {
    const direction = order === 'desc' ? 'DESC' : 'ASC';
    // Accounts never logged in sort after the others either way.
    const nullsLast = sort === 'last_login_at' ? 'u.last_login_at IS NULL, ' : '';
    const rows = this.db
      .prepare(`${SELECT} WHERE instr(u.username, ?) > 0 ORDER BY ${nullsLast}${ORDER_BY[sort]} ${direction}, u.username ASC`)
      .all(search) as RawRow[];
    return rows.map(shape);
  }

  byId(id: number): AccountListRow | undefined {
    const raw = this.db.prepare(`${SELECT} WHERE u.id = ?`).get(id) as RawRow | undefined;
    return raw && shape(raw);
  }
}
