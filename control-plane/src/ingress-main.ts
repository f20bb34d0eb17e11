import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, type Config } from './config.js';
import { isRoot, prepareIngressDirs } from './lib/platform-dirs.js';
import { dropRoot } from './ingress/drop-root.js';
import { createRouterLog, startRouter, type RouterLog } from './ingress/index.js';

// The router process: the public port. Its own process so that restarting
// or upgrading the api never drops app traffic. With PYHOST_ROUTER_WORKERS
// above 1 a primary forks that many workers that share the port (node:cluster).

const RESPAWN_WINDOW_MS = 30_000;
const MAX_RESPAWNS = 5;
const STOP_GRACE_MS = 15_000;

/** Which router process this is (1-based): the primary passes it on to the workers it forks. */
const PROCESS_INDEX_ENV = 'PYHOST_ROUTER_PROCESS';
/**
 * The TLS session ticket keys (hex) the primary hands its workers, so that
 * a session resumed on another worker than the one that made it still
 * resumes. They live as long as the primary: a restart of the router
 * rotates them (and costs every client one full handshake).
 */
const TICKET_KEYS_ENV = 'PYHOST_ROUTER_TICKET_KEYS';

async function runWorker(config: Config, log: RouterLog, processIndex: number, ticketKeys: Buffer | undefined): Promise<void> {
  let router;
  try {
    // Whichever of api and router starts first lays out the platform's folders.
    if (isRoot()) prepareIngressDirs(config.dataDir, config.ingressUid);
    router = await startRouter(config, log, { processIndex, ticketKeys, onListening: () => dropRoot(config) });
  } catch (err) {
    log.error({ err, port: config.port }, 'the router cannot start');
    process.exit(1);
  }
  const on = router.httpsPort === null ? `port ${router.port}` : `ports ${router.port} (HTTP) and ${router.httpsPort} (HTTPS)`;
  log.info({ port: router.port, httpsPort: router.httpsPort, host: config.host, domain: config.domain, uid: process.getuid?.() }, `the router is up on ${on}`);
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      log.info({ signal }, 'router shutting down');
      router.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'error while shutting down the router');
          process.exit(1);
        },
      );
    });
  }
}

function runPrimary(config: Config, log: RouterLog): void {
  let stopping = false;
  const deaths: number[] = [];
  const indexOf = new Map<number, number>();
  const ticketKeys = randomBytes(48).toString('hex');
  const fork = (index: number) => indexOf.set(cluster.fork({ [PROCESS_INDEX_ENV]: String(index), [TICKET_KEYS_ENV]: ticketKeys }).id, index);
  for (let i = 1; i <= config.router.workers; i++) fork(i);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length > 0 && deaths[0]! < now - RESPAWN_WINDOW_MS) deaths.shift();
    if (deaths.length > MAX_RESPAWNS) {
      log.error({ code, signal }, 'router workers keep dying; giving up');
      process.exit(1);
    }
    log.warn({ pid: worker.process.pid, code, signal }, 'a router worker died; starting another');
    fork(indexOf.get(worker.id) ?? 1);
    indexOf.delete(worker.id);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
    });
  }
}

function main(): void {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`pyhost router: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createRouterLog(config.logLevel);
  if (config.router.workers > 1 && cluster.isPrimary) runPrimary(config, log);
  else {
    const keys = process.env[TICKET_KEYS_ENV];
    void runWorker(config, log, Number(process.env[PROCESS_INDEX_ENV] ?? '1'), keys && /^[0-9a-f]{96}$/.test(keys) ? Buffer.from(keys, 'hex') : undefined);
  }
}

main();
