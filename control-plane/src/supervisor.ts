import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';

// `npm start`'s process (scripts/start.sh execs it): runs the api and the
// router as two children and starts again whichever one dies, so that a
// crash or a `kill -9` of one never takes the other down. Web apps keep
// being served while the api is away, and a dead router is back within a
// fraction of a second; compose gets the same from `restart:`. SIGINT and
// SIGTERM stop both gracefully. A child that cannot start at all (it dies
// MAX_START_FAILURES times in a row without ever staying up) stops the
// whole platform rather than being retried for ever.

/** Delay before a restart, by consecutive quick deaths: the first is at once, then longer, capped. */
const BACKOFF_MS = [0, 250, 500, 1000, 2000, 5000];
/** A child that stayed up this long is healthy: its next death restarts it at once again. */
const STABLE_MS = 10_000;
const MAX_START_FAILURES = 5;
/** Children still running this long after a stop signal are killed. */
const STOP_GRACE_MS = 20_000;

// The children are this file's neighbours, run by the same node with the
// same flags: dist/server.js from dist/supervisor.js, or src/server.ts under
// `node --import tsx src/supervisor.ts`.
const HERE = fileURLToPath(import.meta.url);
const CHILDREN = { api: 'server', router: 'ingress-main' } as const;
type Name = keyof typeof CHILDREN;

interface Child {
  readonly name: Name;
  process: ChildProcess | null;
  startedAt: number;
  restartTimer: NodeJS.Timeout | null;
  /** Deaths in a row, each after less than STABLE_MS. */
  quickDeaths: number;
  /** Stayed up STABLE_MS at least once since the supervisor started. */
  everStable: boolean;
}

// Pino-shaped JSON lines like the router's (router/router-log.ts), so that
// they sit among the children's lines on the same stdout.
const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;
type Log = (level: Level, fields: object, msg: string) => void;
function makeLog(minLevel: string): Log {
  const min = LEVELS[minLevel as Level] ?? LEVELS.info;
  const base = { pid: process.pid, hostname: os.hostname(), name: 'supervisor' };
  return (level, fields, msg) => {
    if (LEVELS[level] < min) return;
    process.stdout.write(JSON.stringify({ level: LEVELS[level], time: Date.now(), ...base, ...fields, msg }) + '\n');
  };
}

/** The log level from the configuration; a bad configuration stops here, before any child starts. */
function configuredLogLevel(): string {
  try {
    // The children read the same environment; a bad value is reported once, here.
    return loadConfig(process.env).logLevel;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pyhost: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** The api and the router, each started again when it dies, until a stop signal or a child that cannot start. */
class Supervisor {
  private readonly children: Child[] = (Object.keys(CHILDREN) as Name[]).map((name) => ({
    name,
    process: null,
    startedAt: 0,
    restartTimer: null,
    quickDeaths: 0,
    everStable: false,
  }));
  private stopping = false;
  private exitStatus = 0;

  constructor(private readonly log: Log) {}

  run(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => this.stop(signal));
    for (const child of this.children) this.start(child);
  }

  private start(child: Child): void {
    child.restartTimer = null;
    const entry = path.join(path.dirname(HERE), CHILDREN[child.name] + path.extname(HERE));
    const proc = spawn(process.execPath, [...process.execArgv, entry], { stdio: 'inherit' });
    child.process = proc;
    child.startedAt = Date.now();
    if (proc.pid !== undefined) this.log('info', { child: child.name, childPid: proc.pid }, `started the ${child.name}`);
    proc.once('exit', (code, signal) => this.exited(child, code, signal));
    // Only a spawn that failed outright (no pid) goes without an 'exit'.
    proc.once('error', (err) => {
      this.log('error', { child: child.name, err: { message: err.message } }, `cannot run the ${child.name}`);
      if (proc.pid === undefined) this.exited(child, 1, null);
    });
  }

  private exited(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    child.process = null;
    if (this.stopping) {
      this.stoppedOne(code, signal);
      return;
    }
    const ranForMs = Date.now() - child.startedAt;
    if (ranForMs >= STABLE_MS) {
      child.everStable = true;
      child.quickDeaths = 0;
    }
    child.quickDeaths++;
    if (!child.everStable && child.quickDeaths >= MAX_START_FAILURES) {
      this.log('error', { child: child.name, code, signal }, `the ${child.name} exited ${child.quickDeaths} times in a row at start (last: ${signal ?? `status ${code}`}); see its messages above. Stopping Pyhost`);
      this.exitStatus = code !== null && code !== 0 ? code : 1;
      this.stop('SIGTERM');
      return;
    }
    const delayMs = BACKOFF_MS[Math.min(child.quickDeaths, BACKOFF_MS.length) - 1]!;
    this.log('warn', { child: child.name, code, signal, ranForMs, restartInMs: delayMs }, `the ${child.name} exited; starting it again`);
    child.restartTimer = setTimeout(() => this.start(child), delayMs);
  }

  /** A child's exit while stopping: once both are gone, the supervisor exits too. */
  private stoppedOne(code: number | null, signal: NodeJS.Signals | null): void {
    // A child still starting up may die of the signal itself: that is a clean stop too.
    const clean = code === 0 || signal === 'SIGTERM' || signal === 'SIGINT';
    if (!clean) this.exitStatus = 1;
    if (this.children.every((c) => c.process === null)) {
      this.log('info', { status: this.exitStatus }, 'the api and the router have stopped');
      process.exit(this.exitStatus);
    }
  }

  private stop(signal: NodeJS.Signals): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log('info', { signal }, 'stopping the api and the router');
    for (const child of this.children) {
      if (child.restartTimer) clearTimeout(child.restartTimer);
      child.restartTimer = null;
      child.process?.kill(signal);
    }
    if (this.children.every((c) => c.process === null)) process.exit(this.exitStatus);
    setTimeout(() => this.killStragglers(), STOP_GRACE_MS).unref();
  }

  private killStragglers(): void {
    for (const child of this.children) {
      if (!child.process) continue;
      this.log('error', { child: child.name }, `the ${child.name} did not stop within ${STOP_GRACE_MS} ms; killing it`);
      child.process.kill('SIGKILL');
    }
    this.exitStatus = 1;
  }
}

new Supervisor(makeLog(configuredLogLevel())).run();
