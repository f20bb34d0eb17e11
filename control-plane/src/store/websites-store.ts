import { nowIso, type Db } from './database.js';

export interface WebsiteRow {
  id: number;
  user_id: number;
  domain_name: string;
  command: string;
  enabled: 0 | 1;
  /** The container generation whose socket serves; 0 when none has started. */
  active_generation: number;
  /** The next generation number to hand out: container names never repeat. */
  next_generation: number;
  /** The last failed start or reload; null after a success. */
  last_error: string | null;
  /** Set when restarts gave up; cleared by the next reload. */
  crashed_reason: string | null;
  /** Which Python's runtime image it runs in ("3.11"; migration 9). */
  python_version: string;
  created_at: string;
}

/** Websites (command-based web apps, docs/websites.md); their rows go with their user (ON DELETE CASCADE). */
export class WebsitesStore {
  constructor(private readonly db: Db) {}

  insert(userId: number, domain: string, command: string, enabled: boolean, pythonVersion: string): WebsiteRow {
    const info = this.db
      .prepare('INSERT INTO websites (user_id, domain_name, command, enabled, python_version, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(userId, domain, command, enabled ? 1 : 0, pythonVersion, nowIso());
    return this.byId(Number(info.lastInsertRowid))!;
  }

  byId(id: number): WebsiteRow | undefined {
    return this.db.prepare('SELECT * FROM websites WHERE id = ?').get(id) as WebsiteRow | undefined;
  }

  byDomain(domain: string): WebsiteRow | undefined {
    return this.db.prepare('SELECT * FROM websites WHERE domain_name = ?').get(domain) as WebsiteRow | undefined;
  }

  forUser(userId: number): WebsiteRow[] {
    return this.db.prepare('SELECT * FROM websites WHERE user_id = ? ORDER BY id').all(userId) as WebsiteRow[];
  }

  all(): WebsiteRow[] {
    return this.db.prepare('SELECT * FROM websites ORDER BY id').all() as WebsiteRow[];
  }

  /** A fresh generation number for a new container. */
  allocateGeneration(id: number): number {
    const row = this.db.prepare('UPDATE websites SET next_generation = next_generation + 1 WHERE id = ? RETURNING next_generation - 1 AS g').get(id) as { g: number };
    return row.g;
  }

  /** The generation that serves now: the route follows (a trigger moves routes_version). */
  setActive(id: number, generation: number): void {
    this.db.prepare('UPDATE websites SET active_generation = ?, last_error = NULL, crashed_reason = NULL WHERE id = ?').run(generation, id);
  }

  setCommand(id: number, command: string): void {
    this.db.prepare('UPDATE websites SET command = ? WHERE id = ?').run(command, id);
  }

  setPythonVersion(id: number, pythonVersion: string): void {
    this.db.prepare('UPDATE websites SET python_version = ? WHERE id = ?').run(pythonVersion, id);
  }

  /** Disabled, the router answers the "disabled" page; enabling clears a crash (a fresh start follows). */
  setEnabled(id: number, enabled: boolean): void {
    this.db.prepare(`UPDATE websites SET enabled = ?${enabled ? ', crashed_reason = NULL' : ''} WHERE id = ?`).run(enabled ? 1 : 0, id);
  }

  setLastError(id: number, error: string | null): void {
    this.db.prepare('UPDATE websites SET last_error = ? WHERE id = ?').run(error, id);
  }

  setCrashed(id: number, reason: string | null): void {
    this.db.prepare('UPDATE websites SET crashed_reason = ? WHERE id = ?').run(reason, id);
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM websites WHERE id = ?').run(id);
  }
}
