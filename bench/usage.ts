// The Usage route's cost on a full access log, run by hand:
//
//   npx tsx bench/usage.ts
//   RUNS=21 npx tsx bench/usage.ts
//
// Writes a 10 MiB access log (the router rotates at 10 MiB, so this is the
// biggest live file there is) in the router's own format, spread evenly over
// SPAN_HOURS (default 24, then 1: a busy hour that is the whole file), and
// times what GET …/usage/ does — WebappUsage.of, the route's one service
// call — for the hour and the day, as medians of RUNS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../control-plane/src/config.js';
import { userDirs } from '../control-plane/src/domain/layout.js';
import { formatAccessLine } from '../control-plane/src/ingress/access-log.js';
import { WebappUsageRing } from '../control-plane/src/services/webapps/usage-ring.js';
import { WebappUsage } from '../control-plane/src/services/webapps/webapp-usage.js';
import type { UserRow } from '../control-plane/src/store/users-store.js';
import type { WebappRow } from '../control-plane/src/store/webapps-store.js';

const RUNS = Number(process.env.RUNS ?? 11);
const SIZE = 10 * 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-bench-usage-'));
const owner = { id: 1, username: 'bench' } as UserRow;
const app = { id: 1, domain_name: 'bench.localhost', last_reload_at: null } as WebappRow;
const logDir = userDirs(dataDir, owner.username).log;
for (const dir of Object.values(userDirs(dataDir, owner.username))) fs.mkdirSync(dir, { recursive: true });
const now = Date.now();
const usage = new WebappUsage({ config: loadConfig({ PYHOST_DATA: dataDir }), ring: new WebappUsageRing(), clock: () => now });

function writeLog(spanMs: number): number {
  const sample = formatAccessLine({ ip: '10.0.0.1', user: undefined, time: now, method: 'GET', url: '/some/page?id=12345', httpVersion: '1.1', status: 200, bytes: 5120, referer: 'https://example.org/', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120', durationMs: 12, requestId: 'AbCdEf-123' });
  const lines = Math.floor(SIZE / sample.length);
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = now - spanMs + (spanMs * i) / lines;
    parts.push(formatAccessLine({ ip: '10.0.0.1', user: undefined, time: t, method: 'GET', url: '/some/page?id=12345', httpVersion: '1.1', status: i % 50 === 0 ? 404 : 200, bytes: 5120, referer: 'https://example.org/', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120', durationMs: 1 + (i % 200), requestId: 'AbCdEf-123' }));
  }
  fs.writeFileSync(path.join(logDir, `${app.domain_name}.access.log`), parts.join(''));
  return lines;
}

try {
  for (const spanHours of [24, 1]) {
    const lines = writeLog(spanHours * 3_600_000);
    for (const period of ['hour', 'day'] as const) {
      const times: number[] = [];
      let requests = 0;
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        const report = await usage.of(owner, app, period);
        times.push(performance.now() - t0);
        requests = report.requests.reduce((n, b) => n + b.requests['2xx'] + b.requests['4xx'], 0);
      }
      console.log(`10 MiB log, ${lines} lines over ${spanHours} h, period=${period}: ${median(times).toFixed(1)} ms (median of ${RUNS}; ${requests} requests counted)`);
    }
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
