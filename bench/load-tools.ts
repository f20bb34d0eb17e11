// Process-driving helpers shared by the benchmarks that put wrk in front of
// a proxy: installing the tools, a proxy's, the engine's and this process's
// CPU time, one wrk run, and the router as its own process.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { DockerTestApp } from '../control-plane/test/helpers/docker-app.js';
import { parseWrk, type WrkResult } from './router-tools.js';

const CONTROL_PLANE = fileURLToPath(new URL('../control-plane/', import.meta.url));
const TICKS_PER_SECOND = 100;
const execFileAsync = promisify(execFile);

/** Installs Debian's nginx and wrk when they are missing. */
export function ensureTools(): void {
  const missing = ['nginx', 'wrk'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  console.log(`bench: installing ${missing.join(', ')} (Debian packages)`);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map((m) => (m === 'nginx' ? 'nginx-light' : m))], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** CPU ticks (user + system) used so far by these processes and their children. */
function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const children = execFileSync('sh', ['-c', `pgrep -P ${pid} || true`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    for (const p of [pid, ...children]) {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(stat[11]) + Number(stat[12]); // utime, stime (fields 14 and 15)
    }
  }
  return ticks;
}

export interface Run extends WrkResult {
  /** The proxy's CPU time per request, µs. */
  cpuUs: number;
}

export interface WrkOptions {
  /** https:// (wrk sends no session to resume: with `close`, every request is a full handshake). */
  https?: boolean;
  /** `Connection: close`: a new connection for every request. */
  close?: boolean;
}

function wrkArgs(port: number, host: string, connections: number, seconds: number, urlPath: string, options: WrkOptions): string[] {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', `Host: ${host}`, ...(options.close ? ['-H', 'Connection: close'] : [])];
  return [...args, `${options.https ? 'https' : 'http'}://127.0.0.1:${port}${urlPath}`];
}

function toRun(out: string, ticks: number, seconds: number): Run {
  const result = parseWrk(out);
  return { ...result, cpuUs: ((ticks / TICKS_PER_SECOND) * 1e6) / (result.rps * seconds) };
}

/** One wrk run against 127.0.0.1:port with this Host, and the proxy's CPU time per request. */
export function wrk(port: number, host: string, connections: number, seconds: number, proxyPids: number[], urlPath = '/', options: WrkOptions = {}): Run {
  const before = cpuTicks(proxyPids);
  const out = execFileSync('wrk', wrkArgs(port, host, connections, seconds, urlPath, options), { encoding: 'utf8' });
  return toRun(out, cpuTicks(proxyPids) - before, seconds);
}

/** wrk as above, with this process's event loop free while it runs (for timers that must keep firing meanwhile). */
export async function wrkAsync(port: number, host: string, connections: number, seconds: number, proxyPids: number[], urlPath = '/', options: WrkOptions = {}): Promise<Run> {
  const before = cpuTicks(proxyPids);
  const { stdout } = await execFileAsync('wrk', wrkArgs(port, host, connections, seconds, urlPath, options), { encoding: 'utf8' });
  return toRun(stdout, cpuTicks(proxyPids) - before, seconds);
}

/** The median run by requests/s, and the median CPU time per request. */
export function medianRun(runs: Run[]): Run {
  const byRps = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
  const cpuUs = [...runs].map((x) => x.cpuUs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return { ...byRps, cpuUs };
}

/** The router (src/ingress-main.ts) as its own process on 127.0.0.1:port, once it answers. */
export async function startRouter(t: DockerTestApp, port: number, workers: number, profileDir: string | null = null, env: Record<string, string> = {}): Promise<ChildProcess> {
  const args = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', 'src/ingress-main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: CONTROL_PLANE,
    env: { ...process.env, PYHOST_DATA: t.dataDir, PYHOST_PORT: String(port), PYHOST_HOST: '127.0.0.1', PYHOST_ROUTER_WORKERS: String(workers), PYHOST_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`], { stdio: 'ignore' });
      return child;
    } catch {
      await sleep(100);
    }
  }
  throw new Error('the router did not start');
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await Promise.race([exited, sleep(15_000)]);
}

/** CPU seconds (user + system) so far of the Docker Engine's processes (dockerd, containerd). */
export function engineCpuSeconds(): number {
  let ticks = 0;
  for (const name of ['dockerd', 'containerd']) {
    const pids = execFileSync('sh', ['-c', `pgrep -x ${name} || true`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(stat[11]) + Number(stat[12]);
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds (user + system) this process has used so far. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export const fmtMs = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

export function loadAverage(): string {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
