import type { OwnerRole, Principal } from '../../domain/principal.js';
import type { AuditRow, AuditStore } from '../../store/audit-store.js';
import type { UserRow } from '../../store/users-store.js';

/** A page that polls (the Web tab, the consoles list) repeats the same GET: one entry per this long. */
const SAME_READ_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 10_000;
const MAX_PATH = 500;

export interface AuditedRequest {
  readonly principal: Principal;
  readonly owner: UserRow;
  readonly role: OwnerRole;
  readonly method: string;
  /** The URL under /api/v0/user/{owner}, with its query. */
  readonly path: string;
  readonly status: number;
}

/**
 * The record a student reads of what their teacher (or an admin) did with
 * their things: every change, and every look, a repeated look once per ten
 * minutes.
 */
export class AuditLog {
  private readonly lastRead = new Map<string, number>();

  constructor(
    private readonly store: AuditStore,
    private readonly clock: () => number = Date.now,
  ) {}

  record(r: AuditedRequest): void {
    if (r.role === 'owner') return;
    const path = r.path.length > MAX_PATH ? `${r.path.slice(0, MAX_PATH)}…` : r.path;
    if (r.method === 'GET' || r.method === 'HEAD') {
      const key = `${r.principal.userId} ${r.owner.id} ${r.method} ${path}`;
      const now = this.clock();
      const last = this.lastRead.get(key);
      if (last !== undefined && now - last < SAME_READ_MS) return;
      if (this.lastRead.size >= MAX_REMEMBERED) this.lastRead.clear();
      this.lastRead.set(key, now);
    }
    this.store.insert({
      subject_id: r.owner.id,
      actor_id: r.principal.userId,
      actor_username: r.principal.username,
      actor_role: r.role,
      method: r.method,
      path,
      status: r.status,
    });
  }

  entries(owner: UserRow, limit: number, before?: number): AuditRow[] {
    return this.store.forSubject(owner.id, limit, before);
  }
}
