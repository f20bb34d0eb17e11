import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

// A throwaway Pyhost for one test run: the api and the router as the real
// start script runs them, on a free port, with its own data directory.

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface Instance {
  port: number;
  dataDir: string;
  /** The instance id on every container it starts (io.pyhost.instance). */
  instanceId: string;
  stop(): Promise<void>;
}

/** A loopback port free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function startProcess(script: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  return spawn(process.execPath, [path.join(REPO_ROOT, 'control-plane/dist', script)], { env, stdio: ['ignore', out, out], cwd: REPO_ROOT });
}

/** GET /api/health on the dashboard host (fetch() cannot set Host, so node:http). */
function health(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', headers: { host: `localhost:${port}` }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function waitForHealth(port: number, deadlineMs: number): Promise<string> {
  const until = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const res = await health(port);
      if (res.status === 200) return (JSON.parse(res.body) as { instance: string }).instance;
      last = new Error(`health answered ${res.status}`);
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`Pyhost did not come up on port ${port}: ${String(last)}`);
}

/** Removes every container this instance started (found by its label, never by name). */
export async function removeContainers(instanceId: string): Promise<void> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.pyhost.instance=${instanceId}`]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]);
}

/** The first-run setup token the api printed in its log (an instance started without an admin). */
export function setupTokenOf(instance: Instance): string | null {
  const log = fs.readFileSync(path.join(instance.dataDir, 'api.out'), 'utf8');
  return /one-time setup token: ([^\s]+)/.exec(log)?.[1] ?? null;
}

/**
 * `env` is added to (or, with '', removed from) what the api and the router
 * are started with; a PYHOST_PORT there is the router's HTTP port (known
 * beforehand, say, to point a test CA's HTTP-01 validation at it).
 */
export async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-e2e-'));
  const port = env.PYHOST_PORT ? Number(env.PYHOST_PORT) : await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PYHOST_DATA: dataDir,
    PYHOST_PORT: String(port),
    PYHOST_HOST: '127.0.0.1',
    PYHOST_SIGNUP: 'open',
    PYHOST_LOG_LEVEL: 'warn',
    // A fast password hash, as the other tests use: bulk creation hashes one per account.
    PYHOST_PASSWORD_HASH_COST: '14',
    ...env,
  };
  for (const [name, value] of Object.entries(childEnv)) if (value === '') delete childEnv[name];
  const api = startProcess('server.js', childEnv, path.join(dataDir, 'api.out'));
  const router = startProcess('ingress-main.js', childEnv, path.join(dataDir, 'router.out'));
  const stopAll = async () => {
    for (const child of [router, api]) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all([api, router].map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  };
  let instanceId: string;
  try {
    instanceId = await waitForHealth(port, 60_000);
  } catch (err) {
    await stopAll();
    const logs = ['api.out', 'router.out'].map((f) => fs.readFileSync(path.join(dataDir, f), 'utf8')).join('\n');
    // The logs go into the error; nothing else there is worth keeping.
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${logs}`, { cause: err });
  }
  return {
    port,
    dataDir,
    instanceId,
    async stop() {
      await stopAll();
      await removeContainers(instanceId).catch((err: unknown) => console.error('e2e: could not remove containers:', err));
      if (!process.env.PYHOST_E2E_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
