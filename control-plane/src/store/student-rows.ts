import type { Db } from './database.js';

/** One line of a teacher's Students page. */
export interface StudentOverview {
  username: string;
  /** Their web apps' domains, in the order they were made. */
  webapps: string[];
  /** Consoles they have (running, or ended and not yet closed). */
  consoles: number;
  last_login_at: string | null;
  expires_at: string | null;
  disabled: boolean;
}

interface Row {
  username: string;
  webapps_json: string;
  consoles: number;
  last_login_at: string | null;
  expires_at: string | null;
  disabled: 0 | 1;
}

/** What a teacher sees of their students, read in one query however many there are. */
export class StudentRows {
  constructor(private readonly db: Db) {}

  /** The teacher's students by username; accounts being deleted are already gone from view. */
  overview(teacherId: number): StudentOverview[] {
    const rows = this.db
      .prepare(
        `SELECT u.username,
                COALESCE((SELECT json_group_array(domain_name) FROM (SELECT domain_name FROM webapps WHERE user_id = u.id ORDER BY id)), '[]') AS webapps_json,
                (SELECT COUNT(*) FROM consoles WHERE user_id = u.id) AS consoles,
                u.last_login_at, u.expires_at,
                CASE WHEN u.disabled_at IS NULL THEN 0 ELSE 1 END AS disabled
           FROM users u
          WHERE u.teacher_id = ? AND (u.disabled_reason IS NULL OR u.disabled_reason <> 'deleting')
          ORDER BY u.username`,
      )
      .all(teacherId) as Row[];
    return rows.map(({ webapps_json, disabled, ...rest }) => ({ ...rest, webapps: JSON.parse(webapps_json) as string[], disabled: disabled === 1 }));
  }
}
