import { nowIso, type Db } from './database.js';

export type ServerKind = 'uwsgi' | 'gunicorn';

export interface WebappRow {
  id: number;
  user_id: number;
  domain_name: string;
  python_version: string;
  source_directory: string | null;
  working_directory: string | null;
  virtualenv_path: string | null;
  force_https: 0 | 1;
  /** The router adds Strict-Transport-Security to the app's answers over HTTPS (migration 14). */
  hsts_enabled: 0 | 1;
  password_protection_enabled: 0 | 1;
  password_protection_username: string | null;
  password_protection_hash: string | null;
  server: ServerKind;
  workers: number;
  env_json: string;
  auto_reload: 0 | 1;
  enabled: 0 | 1;
  created_at: string;
  updated_at: string;
  /** The container generation that serves traffic; 0 when none has started. */
  active_generation: number;
  /** The next generation number to hand out: container names never repeat. */
  next_generation: number;
  last_reload_at: string | null;
  last_reload_ms: number | null;
  last_reload_ok: 0 | 1 | null;
  last_reload_error: string | null;
  /** Set when restarts gave up (a crash loop); cleared by the next reload. */
  crashed_reason: string | null;
  /**
   * Why the saved settings are not what serves (their container did not
   * start); null once a container with them has started.
   */
  settings_warning: string | null;
  /** Asleep since then: no container, the router wakes it on its next request (migration 15, docs/sleeping-apps.md). */
  sleeping_since: string | null;
  /** Its owner keeps it from sleeping (within the account's awake_webapps). */
  keep_awake: 0 | 1;
}

/** Columns a PATCH may change, already validated and in storage form. */
export type WebappChanges = Partial<
  Pick<
    WebappRow,
    | 'source_directory'
    | 'working_directory'
    | 'virtualenv_path'
    | 'force_https'
    | 'hsts_enabled'
    | 'password_protection_enabled'
    | 'password_protection_username'
    | 'password_protection_hash'
    | 'server'
    | 'workers'
    | 'env_json'
    | 'auto_reload'
    | 'enabled'
    | 'python_version'
    | 'keep_awake'
  >
>;

export interface StaticFileRow {
  id: number;
  webapp_id: number;
  url: string;
  path: string;
}

export class WebappsStore {
  constructor(private readonly db: Db) {}

  forUser(userId: number): WebappRow[] {
    return this.db.prepare('SELECT * FROM webapps WHERE user_id = ? ORDER BY id').all(userId) as WebappRow[];
  }

  /** Apps a sleep could apply to: enabled, awake, not crashed, not kept awake by their owner. */
  /** Web apps with a server meant to run now: enabled, awake, not crashed (kept awake or not). */
  awakeCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM webapps WHERE enabled = 1 AND sleeping_since IS NULL AND crashed_reason IS NULL').get() as { n: number }).n;
  }

  mightSleep(): WebappRow[] {
    return this.db
      .prepare('SELECT * FROM webapps WHERE enabled = 1 AND sleeping_since IS NULL AND crashed_reason IS NULL AND keep_awake = 0 ORDER BY id')
      .all() as WebappRow[];
  }

  all(): WebappRow[] {
    return this.db.prepare('SELECT * FROM webapps ORDER BY id').all() as WebappRow[];
  }

  byDomain(domain: string): WebappRow | undefined {
    return this.db.prepare('SELECT * FROM webapps WHERE domain_name = ?').get(domain) as WebappRow | undefined;
  }

  byId(id: number): WebappRow | undefined {
    return this.db.prepare('SELECT * FROM webapps WHERE id = ?').get(id) as WebappRow | undefined;
  }

  insert(row: Pick<WebappRow, 'user_id' | 'domain_name' | 'python_version' | 'source_directory' | 'working_directory'>): WebappRow {
    const now = nowIso();
    const info = this.db
      .prepare(
        `INSERT INTO webapps (user_id, domain_name, python_version, source_directory, working_directory, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.user_id, row.domain_name, row.python_version, row.source_directory, row.working_directory, now, now);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  update(id: number, changes: WebappChanges): WebappRow {
    const keys = Object.keys(changes) as (keyof WebappChanges)[];
    if (keys.length > 0) {
      // Column names come from the typed key list above, never from input.
      const assignments = keys.map((k) => `${k} = @${k}`).join(', ');
      this.db.prepare(`UPDATE webapps SET ${assignments}, updated_at = @updated_at WHERE id = @id`).run({
        ...changes,
        updated_at: nowIso(),
        id,
      });
    }
    return this.byId(id)!;
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM webapps WHERE id = ?').run(id);
  }

  /** Hands out the next container generation for this web app. */
  allocateGeneration(id: number): number {
    const row = this.db
      .prepare('UPDATE webapps SET next_generation = next_generation + 1 WHERE id = ? RETURNING next_generation - 1 AS generation')
      .get(id) as { generation: number } | undefined;
    if (!row) throw new Error(`web app ${id} vanished`);
    return row.generation;
  }

  setActiveGeneration(id: number, generation: number): void {
    this.db.prepare('UPDATE webapps SET active_generation = ? WHERE id = ?').run(generation, id);
  }

  recordReload(id: number, result: { ok: boolean; durationMs: number; error: string | null }): void {
    this.db
      .prepare('UPDATE webapps SET last_reload_at = ?, last_reload_ms = ?, last_reload_ok = ?, last_reload_error = ? WHERE id = ?')
      .run(new Date().toISOString(), Math.round(result.durationMs), result.ok ? 1 : 0, result.error, id);
  }

  setSettingsWarning(id: number, warning: string | null): void {
    this.db.prepare('UPDATE webapps SET settings_warning = ? WHERE id = ?').run(warning, id);
  }

  /** Asleep since `since` (ISO), or awake (null). */
  setSleeping(id: number, since: string | null): void {
    this.db.prepare('UPDATE webapps SET sleeping_since = ? WHERE id = ? AND sleeping_since IS NOT ?').run(since, id, since);
  }

  setCrashed(id: number, reason: string | null): void {
    this.db.prepare('UPDATE webapps SET crashed_reason = ? WHERE id = ?').run(reason, id);
  }

  staticFiles(webappId: number): StaticFileRow[] {
    return this.db.prepare('SELECT * FROM static_files WHERE webapp_id = ? ORDER BY id').all(webappId) as StaticFileRow[];
  }

  staticFile(webappId: number, id: number): StaticFileRow | undefined {
    return this.db
      .prepare('SELECT * FROM static_files WHERE webapp_id = ? AND id = ?')
      .get(webappId, id) as StaticFileRow | undefined;
  }

  staticFileByUrl(webappId: number, url: string): StaticFileRow | undefined {
    return this.db
      .prepare('SELECT * FROM static_files WHERE webapp_id = ? AND url = ?')
      .get(webappId, url) as StaticFileRow | undefined;
  }

  insertStaticFile(webappId: number, url: string, path: string): StaticFileRow {
    const info = this.db.prepare('INSERT INTO static_files (webapp_id, url, path) VALUES (?, ?, ?)').run(webappId, url, path);
    return this.staticFile(webappId, Number(info.lastInsertRowid))!;
  }

  updateStaticFile(webappId: number, id: number, fields: { url: string; path: string }): StaticFileRow {
    this.db.prepare('UPDATE static_files SET url = ?, path = ? WHERE webapp_id = ? AND id = ?').run(fields.url, fields.path, webappId, id);
    return this.staticFile(webappId, id)!;
  }

  removeStaticFile(webappId: number, id: number): boolean {
    return this.db.prepare('DELETE FROM static_files WHERE webapp_id = ? AND id = ?').run(webappId, id).changes > 0;
  }
}
