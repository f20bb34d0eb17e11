import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { LoadCounts } from '../../domain/compare-servers.js';

// The measurement (docs/compare-servers.md, "Measuring"): autocannon, in a
// child process of its own (its CPU apart from the api's event loop),
// sending the load to a run's own router (ingress/measuring-router.ts) on
// loopback.

/** Where a candidate is reached: what the run's router needs to route the app's domain to its socket. */
export interface Target {
  readonly domain: string;
  readonly username: string;
  readonly uid: number;
  readonly socketPath: string;
  /** Where this candidate's access log goes (its own log folder). */
  readonly logDir: string;
}

/** A router of the run's own (ingress/measuring-router.ts), passed in: services know nothing of HTTP. */
export interface RunRouter {
  readonly port: number;
  routeTo(target: Target): void;
  close(): Promise<void>;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');
/** A request unanswered this long counts as an error (a visitor would have given up). */
export const REQUEST_TIMEOUT_S = 2;

interface AutocannonResult {
  duration: number;
  '2xx': number;
  '3xx'?: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
}

/** Load at `connections` for `seconds` through the run's router; what autocannon counted. */
export async function measure(port: number, domain: string, urlPath: string, connections: number, seconds: number): Promise<LoadCounts> {
  const args = [
    AUTOCANNON, '--json', '--connections', String(connections), '--duration', String(seconds),
    '--timeout', String(REQUEST_TIMEOUT_S), '--headers', `Host=${domain}`, `http://127.0.0.1:${port}${urlPath}`,
  ];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { timeout: (seconds + REQUEST_TIMEOUT_S + 10) * 1000, maxBuffer: 4 * 1024 * 1024 }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  const r = JSON.parse(stdout) as AutocannonResult;
  const ok = r['2xx'] + (r['3xx'] ?? 0);
  return {
    connections,
    durationS: r.duration,
    ok,
    // autocannon's non2xx counts 3xx too; those are answers.
    non2xx: Math.max(0, r.non2xx - (r['3xx'] ?? 0)),
    socketErrors: Math.max(0, r.errors - r.timeouts),
    timeouts: r.timeouts,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
  };
}
