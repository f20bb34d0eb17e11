import type { FastifyBaseLogger } from 'fastify';
import { userDirs } from '../../domain/layout.js';
import { treeBytes } from '../../lib/tree-size.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { UserDisks } from './user-disks.js';

/** Each account is measured again after this long. */
const REMEASURE_MS = 5 * 60_000;
/** Between two accounts: the walk is cheap, but never back to back. */
const PAUSE_MS = 200;
/** When every account is fresh, look again after this long. */
const IDLE_MS = 10_000;
const START_DELAY_MS = 1000;

/**
 * How much disk each account's files take, for the Admin page. Measured in
 * the background, one account at a time, each again every few minutes, and
 * kept in memory only: a list of 500 accounts never walks 500 homes, and a
 * restart just measures again (until then an account reads as unmeasured).
 */
export class DiskUsage {
  private readonly measured = new Map<number, { readonly bytes: number; readonly at: number }>();
  private queue: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly users: UsersStore,
    private readonly dataDir: string,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
    /** An account with a disk of its own: the filesystem knows its use, nothing is walked. */
    private readonly disks: Pick<UserDisks, 'figures'> | null = null,
  ) {}

  /** Bytes of the account's files when last measured; null before the first time. */
  bytesOf(userId: number): number | null {
    return this.measured.get(userId)?.bytes ?? null;
  }

  /** Measures the account now (and keeps the figure). */
  async measure(user: UserRow): Promise<number> {
    const bytes = this.disks?.figures(user)?.usedBytes ?? await treeBytes(userDirs(this.dataDir, user.username).root);
    this.measured.set(user.id, { bytes, at: this.now() });
    return bytes;
  }

  /** The account was deleted. */
  forget(userId: number): void {
    this.measured.delete(userId);
  }

  start(): void {
    this.running = true;
    this.schedule(START_DELAY_MS);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.step(), delayMs);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (this.queue.length === 0) this.queue = this.stale();
    const id = this.queue.shift();
    if (id === undefined) return this.schedule(IDLE_MS);
    const user = this.users.byId(id);
    if (user && user.disabled_reason !== 'deleting') {
      await this.measure(user).catch((err: unknown) => {
        // A folder that is missing or unreadable reads as unmeasured; the next round tries again.
        this.measured.delete(id);
        this.log.warn({ err, user: user.username }, 'could not measure the disk use of an account');
      });
    }
    this.schedule(PAUSE_MS);
  }

  /** Accounts never measured first, then the longest ago; only those older than REMEASURE_MS. */
  private stale(): number[] {
    const now = this.now();
    const ids = new Set(this.users.all().map((u) => u.id));
    for (const id of this.measured.keys()) if (!ids.has(id)) this.measured.delete(id);
    return [...ids]
      .map((id) => ({ id, at: this.measured.get(id)?.at ?? -Infinity }))
      .filter((e) => now - e.at >= REMEASURE_MS)
      .sort((a, b) => a.at - b.at)
      .map((e) => e.id);
  }
}
