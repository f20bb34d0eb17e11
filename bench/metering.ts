// What the Usage charts' metering costs the router (docs/usage-charts.md),
// run by hand (root, the Docker Engine and the runtime image):
//
//   npx tsx bench/metering.ts
//   DURATION=5 ROUNDS=3 npx tsx bench/metering.ts
//
// The charts' requests and response times come from the access log the
// router writes for every request anyway, read only when a chart is opened;
// their CPU and memory from the CPU meter's sweep (services/accounts/
// cpu-meter.ts), which runs whatever the charts. So "metering off" is no
// sweep and nobody looking, and "on" is the sweep at the default 5 s and at
// an aggressive 1 s (PYHOST_CPU_SAMPLE_SECONDS), each with a dashboard
// asking GET …/usage/?period=hour every 10 s (the api's route, through
// inject; the Web tab itself asks every 30 s) over the access log the load
// itself is filling, and the 1 s sweep with nobody looking.
//
// One real web-app container (the default hello app, 4 workers,
// PYHOST_APP_CPUS=2), the router as its own process, wrk on 127.0.0.1, the
// api in this process. The app's own meter is stopped and this drives the
// same sweep at each mode's interval, so that the modes alternate within
// one run: every round runs each metered mode once (the order turning each
// round), each between two off runs, and a mode's ratio to off is the
// median of its runs' ratios to the mean of the off runs either side (a
// shared machine's background load comes in bursts and drifts). Off's own
// row says how far one off run is from the next: the noise floor.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { asToken } from '../control-plane/test/helpers/test-app.js';
import { createDockerTestApp, newUser, waitForState, type DockerTestApp } from '../control-plane/test/helpers/docker-app.js';
import { freePort } from '../control-plane/test/helpers/server-process.js';
import { engineCpuSeconds, ensureTools, fmtMs, loadAverage, ownCpuSeconds, startRouter, stopProcess, wrkAsync, type Run } from './load-tools.js';

const DURATION = Number(process.env.DURATION ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const POLL_MS = 10_000;
// The router's idle connections hold the app's workers for up to a second
// after a run (upstream-pool.ts): each run starts after that.
const IDLE_SETTLE_MS = 1600;

interface Mode {
  name: string;
  /** The mode in the progress lines. */
  short: string;
  /** The CPU meter's interval; null: no sweep. */
  sampleMs: number | null;
  /** A dashboard polling the hour's Usage. */
  poll: boolean;
}

const MODES: Mode[] = [
  { name: 'off: no sweep, no dashboard', short: 'off', sampleMs: null, poll: false },
  { name: 'on: sweep every 5 s (default) + dashboard every 10 s', short: '5 s + dashboard', sampleMs: 5000, poll: true },
  { name: 'on: sweep every 1 s + dashboard every 10 s', short: '1 s + dashboard', sampleMs: 1000, poll: true },
  // The sweep without anyone looking: what the meter alone costs, at its most frequent.
  { name: 'sweep every 1 s alone', short: '1 s alone', sampleMs: 1000, poll: false },
];

interface Measured extends Run {
  sweeps: number;
  polls: number;
  /** The slowest Usage answer of the run, ms. */
  pollMs: number;
  /** CPU of this process (the api: sweeps and Usage answers) and of the engine, as a share of one CPU over the run. */
  apiCpu: number;
  engineCpu: number;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The mode's metering in the background while `load` runs; what it did. */
async function withMetering(t: DockerTestApp, mode: Mode, usageUrl: string, token: string, load: () => Promise<Run>): Promise<Measured> {
  let sweeps = 0;
  let polls = 0;
  let pollMs = 0;
  const busy: Promise<unknown>[] = [];
  let sweeping = false;
  // As the meter's own timer: a sweep still running when the next is due is not doubled.
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    busy.push(t.app.services.cpu.sweep().then(() => sweeps++).finally(() => { sweeping = false; }));
  };
  const poll = () => {
    const t0 = performance.now();
    busy.push(t.app.inject({ url: usageUrl, headers: asToken(token) }).then((res) => {
      if (res.statusCode !== 200) throw new Error(`usage: ${res.statusCode} ${res.body}`);
      pollMs = Math.max(pollMs, performance.now() - t0);
      polls++;
    }));
  };
  const timers: NodeJS.Timeout[] = [];
  if (mode.sampleMs !== null) timers.push(setInterval(sweep, mode.sampleMs));
  if (mode.poll) {
    // Half a period in, then every period: one answer in a run of POLL_MS.
    timers.push(setTimeout(() => {
      poll();
      timers.push(setInterval(poll, POLL_MS));
    }, POLL_MS / 2));
  }
  const own0 = ownCpuSeconds();
  const engine0 = engineCpuSeconds();
  const t0 = performance.now();
  const run = await load();
  const seconds = (performance.now() - t0) / 1000;
  const apiCpu = (ownCpuSeconds() - own0) / seconds;
  const engineCpu = (engineCpuSeconds() - engine0) / seconds;
  for (const timer of timers) clearTimeout(timer);
  await Promise.all(busy);
  return { ...run, sweeps, polls, pollMs, apiCpu, engineCpu };
}

async function main(): Promise<void> {
  ensureTools();
  const t = await createDockerTestApp({ PYHOST_LOG_LEVEL: 'warn', PYHOST_APP_CPUS: '2' });
  try {
    // This bench times the sweeps itself.
    await t.app.services.cpu.stop();
    const { user } = await newUser(t.app);
    const host = `hello.${user.username}.localhost`;
    const api = `/api/v0/user/${user.username}/webapps/`;
    await t.app.inject({ method: 'POST', url: api, headers: asToken(user.token), payload: { domain_name: host } });
    const patched = await t.app.inject({ method: 'PATCH', url: `${api}${host}/`, headers: asToken(user.token), payload: { workers: 4 } });
    if (patched.statusCode !== 200) throw new Error(`${host}: ${patched.body}`);
    await waitForState(t.app, user, host, 'running');
    const usageUrl = `${api}${host}/usage/?period=hour`;

    const routerPort = await freePort();
    const router = await startRouter(t, routerPort, 1);
    try {
      console.log(`load average at start: ${loadAverage()}`);
      const runs = new Map<Mode, Measured[]>(MODES.map((m) => [m, []]));
      const ratios = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
      const load = (seconds: number) => () => wrkAsync(routerPort, host, CONNECTIONS, seconds, [router.pid!]);
      await load(3)(); // warm up
      await sleep(IDLE_SETTLE_MS);
      const [off, ...metered] = MODES as [Mode, ...Mode[]];
      const measure = async (mode: Mode) => {
        const m = await withMetering(t, mode, usageUrl, user.token, load(DURATION));
        runs.get(mode)!.push(m);
        await sleep(IDLE_SETTLE_MS);
        return m;
      };
      let before = await measure(off);
      for (let round = 0; round < ROUNDS; round++) {
        const order = metered.map((_, i) => metered[(i + round) % metered.length]!);
        const line: string[] = [`off ${before.rps.toFixed(0)}`];
        for (const mode of order) {
          const m = await measure(mode);
          const after = await measure(off);
          ratios.get(mode)!.push(m.rps / ((before.rps + after.rps) / 2));
          // Off against the off run before it: how far two runs of the same differ here.
          ratios.get(off)!.push(after.rps / before.rps);
          line.push(`${mode.short} ${m.rps.toFixed(0)}`, `off ${after.rps.toFixed(0)}`);
          before = after;
        }
        console.log(`round ${round + 1}: ${line.join(', ')} req/s`);
      }
      const last = await t.app.inject({ url: usageUrl, headers: asToken(user.token) });
      const buckets = (last.json() as { buckets: { cpu_seconds: number | null; requests: Record<string, number> }[] }).buckets;
      const withCpu = buckets.filter((b) => b.cpu_seconds !== null).length;
      const counted = buckets.reduce((n, b) => n + Object.values(b.requests).reduce((a, c) => a + c, 0), 0);
      const errors = [...runs.values()].flat().reduce((n, r) => n + r.errors, 0);

      console.log(`\n${DURATION} s per run, ${ROUNDS} rounds of every metered mode (order turning each round), each between two off runs; wrk -t1 -c${CONNECTIONS} on 127.0.0.1 to the router (1 process) in front of the hello app (4 workers); ${os.availableParallelism()} CPUs shared by wrk, the router, the app, the api and the engine; load average at the end: ${loadAverage()}. The last Usage answer: CPU readings in ${withCpu} of ${buckets.length} minutes, ${counted} requests counted.${errors ? ` ${errors} errors.` : ''}\n`);
      console.log('| mode | req/s, median | ratio to the off runs either side, median (min–max) | p50 / p99, median | router CPU µs/request | sweeps / Usage answers per run | slowest Usage answer of a run, median | api CPU / engine CPU, share of one CPU |');
      console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const mode of MODES) {
        const rs = runs.get(mode)!;
        const rt = ratios.get(mode)!;
        const spread = `(${Math.min(...rt).toFixed(3)}–${Math.max(...rt).toFixed(3)})`;
        const ratio = mode === MODES[0] ? `1 (one off run to the next: ${median(rt).toFixed(3)} ${spread})` : `**${median(rt).toFixed(3)}** ${spread}`;
        const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
        console.log(
          `| ${mode.name} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${ratio} | ${fmtMs(median(rs.map((r) => r.p50)))} / ${fmtMs(median(rs.map((r) => r.p99)))} | ${median(rs.map((r) => r.cpuUs)).toFixed(0)} | ${median(rs.map((r) => r.sweeps))} / ${median(rs.map((r) => r.polls))} | ${rs.some((r) => r.polls > 0) ? fmtMs(median(rs.filter((r) => r.polls > 0).map((r) => r.pollMs))) : '–'} | ${pct(median(rs.map((r) => r.apiCpu)))} / ${pct(median(rs.map((r) => r.engineCpu)))} |`,
        );
      }
    } finally {
      await stopProcess(router);
    }
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
