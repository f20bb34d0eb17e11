// A bounded HTTP load generator for tests (e.g. "no request fails during a
// reload"). It only ever talks to a unix socket or a loopback address, and it
// is bounded in time (durationMs, hard stop 10 s later) and in request count.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface LoadOptions {
  /** Unix socket to connect to; then `url` only supplies the path and the default Host header. */
  socketPath?: string;
  /** Target URL. Without `socketPath` its host must be loopback: 127.0.0.0/8, ::1 or localhost. */
  url: string;
  /** Host header; default: the host of `url`. */
  host?: string;
  /** Requests in flight at once (one connection each), 1–256. */
  concurrency: number;
  /** How long new requests are started, 1 ms – 10 min. */
  durationMs: number;
  /** Request path (with query); default: the path of `url`. */
  path?: string;
  /** Status that counts as success; default 200. */
  expectStatus?: number;
  /** Text a successful body must contain. */
  expectBodyIncludes?: string;
  /** Per-request limit, connect to end of body; default 5000 ms. */
  requestTimeoutMs?: number;
  /** Upper bound on requests started; default 500 000. */
  maxRequests?: number;
}

export interface LoadResult {
  /** Requests finished: answered or failed. */
  requests: number;
  /** Network errors, timeouts, unexpected statuses and bodies. */
  failures: number;
  /** The first few failures, as `+<ms since start>: <reason>`. */
  failureSamples: string[];
  /** Responses by status, expected or not. */
  statusCounts: Record<number, number>;
  /** Over the requests that got a response (NaN when none did). */
  latenciesMs: { p50: number; p99: number; max: number };
  elapsedMs: number;
}

export interface LoadRun {
  /** Stops starting requests, waits for the ones in flight, returns the result. */
  stop(): Promise<LoadResult>;
  /** Settles when the run ends by itself (duration, count or hard stop) or after stop(). Never rejects. */
  done: Promise<LoadResult>;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const HARD_STOP_GRACE_MS = 10_000;
const MAX_SAMPLES = 20;

/** Parses `url` and throws unless it is http:// to a loopback host. Sends nothing. */
export function assertLoopbackUrl(url: string): URL {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') throw new Error(`load target must be http://, not ${parsed.protocol}`);
  // WHATWG URL has already normalised IPv4 forms (127.1, 0x7f.0.0.1) and IPv6 ([0::1] -> [::1]).
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const loopback =
    host === 'localhost' || (net.isIPv4(host) && host.startsWith('127.')) || (net.isIPv6(host) && host === '::1');
  if (!loopback) throw new Error(`load target must be loopback (127.0.0.0/8, ::1, localhost), not ${parsed.hostname}`);
  return parsed;
}

/** Runs load until `durationMs` is over and returns what happened; rejects on invalid options. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  return startLoad(options).done;
}

/** Starts load in the background; throws (before connecting anywhere) on invalid options. */
export function startLoad(options: LoadOptions): LoadRun {
  const target = validate(options);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRequests = options.maxRequests ?? 500_000;
  const expectStatus = options.expectStatus ?? 200;
  const pool = options.socketPath
    ? new Pool('http://localhost', { socketPath: options.socketPath, connections: options.concurrency })
    : new Pool(target.origin, { connections: options.concurrency });
  // Straight to an app's socket, a connection per request: app.sock's kept
  // connections are for a client that opens one per worker and queues the
  // rest (the router; docs/runtime-contract.md), not for 20 at once.
  const headers = options.socketPath ? { host: options.host ?? target.host, connection: 'close' } : { host: options.host ?? target.host };
  const path = options.path ?? `${target.pathname}${target.search}`;

  const started = performance.now();
  const deadline = started + options.durationMs;
  const latencies: number[] = [];
  const statusCounts: Record<number, number> = {};
  const failureSamples: string[] = [];
  const inFlight = new Set<AbortController>();
  let startedCount = 0;
  let requests = 0;
  let failures = 0;
  let stopping = false;

  const fail = (at: number, reason: string): void => {
    failures++;
    if (failureSamples.length < MAX_SAMPLES) failureSamples.push(`+${Math.round(at - started)}ms: ${reason}`);
  };

  async function once(): Promise<void> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    inFlight.add(controller);
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: 'GET', path, headers, signal: controller.signal });
      let body = '';
      if (options.expectBodyIncludes === undefined) await res.body.dump();
      else body = await res.body.text();
      latencies.push(performance.now() - t0);
      statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1;
      if (res.statusCode !== expectStatus) fail(t0, `status ${res.statusCode} (expected ${expectStatus})`);
      else if (options.expectBodyIncludes !== undefined && !body.includes(options.expectBodyIncludes)) {
        fail(t0, `body lacks ${JSON.stringify(options.expectBodyIncludes)}: ${JSON.stringify(body.slice(0, 200))}`);
      }
    } catch (err) {
      if (timedOut) fail(t0, `timeout after ${timeoutMs} ms`);
      else if (controller.signal.aborted) fail(t0, 'aborted by the hard stop');
      else fail(t0, describeError(err));
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
      requests++;
    }
  }

  async function worker(): Promise<void> {
    while (!stopping && performance.now() < deadline && startedCount < maxRequests) {
      startedCount++;
      await once();
    }
  }

  let hardStopTimer: NodeJS.Timeout | undefined;
  const hardStop = new Promise<void>((resolve) => {
    hardStopTimer = setTimeout(() => {
      stopping = true;
      for (const controller of inFlight) controller.abort();
      resolve();
    }, options.durationMs + HARD_STOP_GRACE_MS);
  });

  const workers = Array.from({ length: options.concurrency }, () => worker());
  const done = (async (): Promise<LoadResult> => {
    await Promise.race([Promise.all(workers), hardStop]);
    clearTimeout(hardStopTimer);
    // destroy, not close: nothing is left to wait for, and close() could hang on a stuck socket.
    await pool.destroy().catch(() => undefined);
    return {
      requests,
      failures,
      // Copies: after a hard stop, a request that ignored its abort may still settle.
      failureSamples: [...failureSamples],
      statusCounts: { ...statusCounts },
      latenciesMs: summarize(latencies),
      elapsedMs: Math.round(performance.now() - started),
    };
  })();

  return {
    done,
    stop() {
      stopping = true;
      return done;
    },
  };
}

function validate(options: LoadOptions): URL {
  const target = options.socketPath ? new URL(options.url) : assertLoopbackUrl(options.url);
  if (target.protocol !== 'http:') throw new Error(`load target must be http://, not ${target.protocol}`);
  const { concurrency, durationMs } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new Error(`concurrency must be an integer 1–256, not ${concurrency}`);
  }
  if (!Number.isFinite(durationMs) || durationMs < 1 || durationMs > 600_000) {
    throw new Error(`durationMs must be 1–600000, not ${durationMs}`);
  }
  const timeout = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeout) || timeout < 1 || timeout > 60_000) {
    throw new Error(`requestTimeoutMs must be 1–60000, not ${timeout}`);
  }
  const max = options.maxRequests ?? 1;
  if (!Number.isInteger(max) || max < 1) throw new Error(`maxRequests must be a positive integer, not ${max}`);
  return target;
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${err.message}` : `${err.name}: ${err.message}`;
}

/** Nearest-rank percentiles, in ms with 0.01 precision. */
export function summarize(latencies: readonly number[]): LoadResult['latenciesMs'] {
  if (latencies.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number): number => {
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return Math.round((sorted[index] ?? NaN) * 100) / 100;
  };
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}
