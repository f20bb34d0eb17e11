// Load that keeps every request's start, end and outcome, for tests that
// must say *when* requests failed (only while the router was down) and how
// long an outage lasted, not just how many failed. Loopback only, bounded
// in time and count, like load.ts.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { eventually } from './eventually.js';
import { assertLoopbackUrl } from './load.js';

export interface TimedLoadOptions {
  /** http:// to a loopback address. */
  url: string;
  /** Host header. */
  host: string;
  concurrency: number;
  /** New requests are started for at most this long (hard limit for a test that forgets to stop). */
  durationMs: number;
  /** Text a successful (200) body must contain. */
  expectBodyIncludes: string;
  /** Per request; default 5000 ms. */
  requestTimeoutMs?: number;
  /** Upper bound on requests started; default 500 000. */
  maxRequests?: number;
}

export interface Attempt {
  /** performance.now() when the request was sent and when it settled. */
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** Why it failed ('' when ok). */
  reason: string;
}

export interface TimedLoad {
  /** Every settled request so far, in the order they settled. */
  readonly attempts: readonly Attempt[];
  /** Stops starting requests and waits for the ones in flight. */
  stop(): Promise<readonly Attempt[]>;
}

/**
 * A client whose request failed waits this long before its next one: while
 * nothing listens, refused connects would otherwise spin and starve the
 * machine (2 cores) of the CPU the restarting router needs.
 */
const PAUSE_AFTER_FAILURE_MS = 10;

export function startTimedLoad(options: TimedLoadOptions): TimedLoad {
  const target = assertLoopbackUrl(options.url);
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const maxRequests = options.maxRequests ?? 500_000;
  const pool = new Pool(target.origin, { connections: options.concurrency });
  const path = `${target.pathname}${target.search}`;
  const deadline = performance.now() + options.durationMs;
  const attempts: Attempt[] = [];
  let started = 0;
  let stopping = false;

  async function once(): Promise<boolean> {
    const startedAt = performance.now();
    let reason = '';
    try {
      const res = await pool.request({ method: 'GET', path, headers: { host: options.host }, signal: AbortSignal.timeout(timeoutMs) });
      const body = await res.body.text();
      if (res.statusCode !== 200) reason = `status ${res.statusCode}`;
      else if (!body.includes(options.expectBodyIncludes)) reason = `body ${JSON.stringify(body.slice(0, 100))}`;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      reason = typeof code === 'string' ? code : (err as Error).name;
    }
    attempts.push({ startedAt, endedAt: performance.now(), ok: reason === '', reason });
    return reason === '';
  }

  async function client(): Promise<void> {
    while (!stopping && performance.now() < deadline && started < maxRequests) {
      started++;
      if (!(await once())) await sleep(PAUSE_AFTER_FAILURE_MS);
    }
  }

  const clients = Promise.all(Array.from({ length: options.concurrency }, () => client()));
  return {
    attempts,
    async stop() {
      stopping = true;
      await clients;
      await pool.destroy().catch(() => undefined);
      return attempts;
    },
  };
}

/** Requests that settled in [from, to): how many were served and how many failed. */
export function tally(attempts: readonly Attempt[], from: number, to: number): { served: number; failed: number } {
  let served = 0;
  let failed = 0;
  for (const a of attempts) {
    if (a.endedAt < from || a.endedAt >= to) continue;
    if (a.ok) served++;
    else failed++;
  }
  return { served, failed };
}

/** When the first request sent at or after `t` succeeded (its end), or undefined while none has. */
export function firstSuccessAfter(attempts: readonly Attempt[], t: number): number | undefined {
  let first: number | undefined;
  for (const a of attempts) if (a.ok && a.startedAt >= t && (first === undefined || a.endedAt < first)) first = a.endedAt;
  return first;
}

/** Waits until `count` requests sent after `t` have succeeded (bounded). */
export async function successesAfter(load: TimedLoad, t: number, count: number, timeoutMs = 20_000): Promise<void> {
  await eventually(
    () => {
      const n = load.attempts.filter((a) => a.ok && a.startedAt >= t).length;
      if (n < count) throw new Error(`${n} so far`);
    },
    { timeoutMs, intervalMs: 20, what: `${count} successful requests` },
  );
}
