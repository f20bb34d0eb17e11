import http from 'node:http';
import type { Config } from '../config.js';
import { CliError, runCli, say } from './run-cli.js';

// node control-plane/dist/cli/healthcheck.js api|router
// The compose health checks: exit 0 when GET /api/health answers 200.
// `api` asks the api on its unix socket; `router` asks through the public
// port, i.e. router → api → database, the path a browser takes.

const USAGE = 'usage: healthcheck.js api|router';
const TIMEOUT_MS = 4000;

function routerAddress(config: Config): string {
  const wildcard = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  return wildcard ? '127.0.0.1' : config.host;
}

function healthStatus(options: http.RequestOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ ...options, path: '/api/health', timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

runCli('healthcheck', async (config, args) => {
  const which = args[0];
  if (which === '--help') return say(USAGE);
  const headers = { host: config.domain };
  let target: http.RequestOptions;
  if (which === 'api') target = { socketPath: config.apiSocket, headers };
  else if (which === 'router') target = { host: routerAddress(config), port: config.port, headers };
  else throw new CliError(USAGE);
  let status: number;
  try {
    status = await healthStatus(target);
  } catch (err) {
    throw new CliError(`${which}: ${(err as Error).message}`);
  }
  if (status !== 200) throw new CliError(`${which}: /api/health answered ${status}`);
});
