import { isRoot } from '../lib/platform-dirs.js';
import { replaceFile } from '../lib/replace-file.js';
import type { ActivityFile } from '../domain/activity-file.js';
import type { RouterLog } from './router-log.js';

// What the api needs to know from the router for sleeping apps
// (docs/sleeping-apps.md): when each app last had a request, so that it
// puts idle ones to sleep, and which sleeping apps this router holds
// requests for, so that it wakes them. The router cannot reach the api
// (api-links.ts: the api dials in), so it says both in a file of its own,
// ingress/activity/router-<n>.json, replaced whole: within FLUSH_MS for the
// times (one timer for every app), at once for a wake.

const FLUSH_MS = 1000;
/** A wake still wanted is asked again this often (the api may have been restarting when it was first asked). */
const ASK_AGAIN_MS = 2000;
/** Wakes asked longer ago than this are dropped even if the app still sleeps: every request held for it has been answered or given up. */
const FORGET_WAKE_MS = 10 * 60_000;

export class RouterActivity {
  private readonly seen = new Map<number, number>();
  private readonly wanted = new Map<number, number>();
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  private failing = false;

  constructor(
    private readonly file: string,
    /** The file's owner, which the api checks (a router still root, in a test, hands it over). */
    private readonly ingressUid: number,
    /** Whether the app still sleeps in the router's current table: a wake is asked for only until it is awake. */
    private readonly isAsleep: (key: number) => boolean,
    private readonly log: RouterLog,
    private readonly flushMs = FLUSH_MS,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.dirty && this.write(), this.flushMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    if (this.dirty) this.write();
  }

  /** A request for the app: its idle time starts again. */
  request(key: number, now = Date.now()): void {
    this.seen.set(key, now);
    this.dirty = true;
  }

  /** A request is held for a sleeping app: ask the api to wake it, at once (again after ASK_AGAIN_MS). */
  wake(key: number, now = Date.now()): void {
    const asked = this.wanted.get(key);
    if (asked !== undefined && now - asked < ASK_AGAIN_MS) return;
    this.wanted.set(key, now);
    this.dirty = true;
    this.soon ??= setImmediate(() => {
      this.soon = null;
      this.write();
    });
  }

  private write(): void {
    const now = Date.now();
    for (const [key, asked] of this.wanted) if (now - asked > FORGET_WAKE_MS || !this.isAsleep(key)) this.wanted.delete(key);
    const body: ActivityFile = { format: 1, seen: Object.fromEntries(this.seen), wake: Object.fromEntries(this.wanted) };
    try {
      // The folder is the router's own (ingress/activity, the ingress uid's).
      replaceFile(this.file, JSON.stringify(body), 0o640, isRoot() ? { uid: this.ingressUid, gid: this.ingressUid } : undefined);
      this.dirty = false;
      if (this.failing) this.log.info({ file: this.file }, 'activity file written again');
      this.failing = false;
    } catch (err) {
      // Apps then sleep by the times the api saw last, and held requests wait for the next try.
      if (!this.failing) this.log.error({ err, file: this.file }, 'cannot write the activity file for the api');
      this.failing = true;
    }
  }
}
