import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { LoadCounts, Target } from '../../domain/compare-servers.js';

// The measurement (docs/compare-servers.md, "Measuring"): autocannon, in a
// child process of its own (its CPU apart from the api's event loop),
// sending the load to a run's own router (ingress/measuring-router.ts) on
// loopback.

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

// The child: one process per server (a Node start costs a second on a busy
// machine), a warm-up and then each level in turn, one JSON line each.
// Run with `node -e`; its inputs come as arguments, never as code.
const CHILD = `
const autocannon = require(process.argv[1]);
const [url, host, timeout, seconds, warmUp, ...levels] = process.argv.slice(2);
const run = (connections, duration) => autocannon({ url, connections, duration, timeout: Number(timeout), headers: { host } });
(async () => {
  if (Number(warmUp) > 0) await run(1, Number(warmUp));
  for (const c of levels) process.stdout.write(JSON.stringify(await run(Number(c), Number(seconds))) + '\\n');
})().catch((err) => { console.error(err); process.exit(1); });
`;

export interface LoadPlan {
  readonly port: number;
  readonly domain: string;
  readonly path: string;
  readonly levels: readonly number[];
  readonly seconds: number;
  /** Seconds at one connection first, not counted: the server's first requests are slower. */
  readonly warmUpS: number;
}

/** Load at each level in turn through the run's router; what autocannon counted at each. */
export async function measureLevels(plan: LoadPlan): Promise<LoadCounts[]> {
  const args = [
    '-e', CHILD, AUTOCANNON, `http://127.0.0.1:${plan.port}${plan.path}`, plan.domain, String(REQUEST_TIMEOUT_S),
    String(plan.seconds), String(plan.warmUpS), ...plan.levels.map(String),
  ];
  const limitMs = (plan.warmUpS + plan.levels.length * (plan.seconds + REQUEST_TIMEOUT_S) + 15) * 1000;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { timeout: limitMs, maxBuffer: 8 * 1024 * 1024 }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  return stdout.trim().split('\n').map((line, i) => counts(plan.levels[i]!, JSON.parse(line) as AutocannonResult));
}

function counts(connections: number, r: AutocannonResult): LoadCounts {
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
