import { RateLimitedError } from '../domain/errors.js';

const WINDOW_MS = 15 * 60 * 1000;
const ALLOWED_FAILURES = 5;

/**
 * Counts failed logins per username and per client address in a sliding
 * 15-minute window. After five failures for either key the next attempt is
 * refused with 429 until the oldest failure leaves the window. Kept in
 * memory: the api is one process, and a restart forgetting the counts is
 * acceptable.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Throws RateLimitedError when either key has used up its failures. */
  check(username: string, address: string): void {
    const wait = Math.max(this.waitMs(`user:${username}`), this.waitMs(`addr:${address}`));
    if (wait > 0) {
      throw new RateLimitedError('Too many failed logins. Wait before trying again.', Math.ceil(wait / 1000));
    }
  }

  recordFailure(username: string, address: string): void {
    for (const key of [`user:${username}`, `addr:${address}`]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
  }

  recordSuccess(username: string): void {
    this.failures.delete(`user:${username}`);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - WINDOW_MS;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  private waitMs(key: string): number {
    const list = this.recent(key);
    if (list.length < ALLOWED_FAILURES) return 0;
    const oldestThatCounts = list[list.length - ALLOWED_FAILURES]!;
    return oldestThatCounts + WINDOW_MS - this.now();
  }
}
