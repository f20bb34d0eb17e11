import { KEPT_RUNS, type ProductionServer, type ServerResult } from '../domain/compare-servers.js';
import { nowIso, type Db } from './database.js';

export type CompareState = 'running' | 'done' | 'failed';

export interface CompareRunRow {
  id: number;
  webapp_id: number;
  user_id: number;
  path: string;
  seconds: number;
  current_server: ProductionServer;
  state: CompareState;
  result_json: string;
  winner: ProductionServer | null;
  summary: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Compare-servers runs, the last KEPT_RUNS per web app; they go with their web app. */
export class CompareRunsStore {
  constructor(private readonly db: Db) {}

  insert(r: Pick<CompareRunRow, 'webapp_id' | 'user_id' | 'path' | 'seconds' | 'current_server'>): CompareRunRow {
    const info = this.db
      .prepare("INSERT INTO compare_runs (webapp_id, user_id, path, seconds, current_server, state, created_at) VALUES (?, ?, ?, ?, ?, 'running', ?)")
      .run(r.webapp_id, r.user_id, r.path, r.seconds, r.current_server, nowIso());
    this.db
      .prepare('DELETE FROM compare_runs WHERE webapp_id = ? AND id <= (SELECT id FROM compare_runs WHERE webapp_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)')
      .run(r.webapp_id, r.webapp_id, KEPT_RUNS);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** The measurements so far, while the run runs. */
  setResults(id: number, results: readonly ServerResult[]): void {
    this.db.prepare("UPDATE compare_runs SET result_json = ? WHERE id = ? AND state = 'running'").run(JSON.stringify(results), id);
  }

  finish(id: number, end: { results: readonly ServerResult[]; winner: ProductionServer | null; summary: string }): void {
    this.db
      .prepare("UPDATE compare_runs SET state = 'done', result_json = ?, winner = ?, summary = ?, finished_at = ? WHERE id = ? AND state = 'running'")
      .run(JSON.stringify(end.results), end.winner, end.summary, nowIso(), id);
  }

  fail(id: number, error: string): void {
    this.db.prepare("UPDATE compare_runs SET state = 'failed', error = ?, finished_at = ? WHERE id = ? AND state = 'running'").run(error, nowIso(), id);
  }

  byId(id: number): CompareRunRow | undefined {
    return this.db.prepare('SELECT * FROM compare_runs WHERE id = ?').get(id) as CompareRunRow | undefined;
  }

  /** Newest first. */
  ofWebapp(webappId: number): CompareRunRow[] {
    return this.db.prepare('SELECT * FROM compare_runs WHERE webapp_id = ? ORDER BY id DESC').all(webappId) as CompareRunRow[];
  }

  allRunning(): CompareRunRow[] {
    return this.db.prepare("SELECT * FROM compare_runs WHERE state = 'running'").all() as CompareRunRow[];
  }
}
