// Poll until an assertion passes or a deadline expires: tests wait for the
// real state they need instead of sleeping for a guessed time.
import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Prefixed to the final error to say what was awaited. */
  what?: string;
}

/** Retries `fn` until it returns without throwing; returns its value. */
export async function eventually<T>(fn: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await fn();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${what} not met within ${timeoutMs} ms (${attempts} attempts): ${reason}`, { cause: lastError });
}
