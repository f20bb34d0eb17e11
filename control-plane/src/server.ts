import fs from 'node:fs/promises';
import { loadConfig, ConfigError } from './config.js';
import { prepareUnixSocket } from './lib/unix-socket.js';
import { buildApp } from './app.js';
import { HostCommands, createDockerClient, createDockerRuntime } from './runtime/index.js';
import { dataDirMountProblem } from './domain/host-paths.js';
import { missingOtherRuntimeImages } from './services/platform/runtime-images.js';

// The api process: reads the configuration, builds the app, listens, and
// closes gracefully on SIGTERM/SIGINT.

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`pyhost: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = {
    level: config.logLevel,
    // Pretty for a person at a terminal, JSON lines for everything else.
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss' } } } : {}),
  };
  const runtime = createDockerRuntime({ socketPath: config.dockerSocket });
  try {
    await runtime.ping();
  } catch (err) {
    console.error(`pyhost: the Docker Engine at ${config.dockerSocket} is not answering (${(err as Error).message}). Run scripts/setup.sh, or set PYHOST_DOCKER_SOCKET.`);
    process.exit(2);
  }
  // In a container (compose), web-app containers get their folders from the
  // host's engine: refuse to start on a data folder the host sees elsewhere.
  const mounts = await runtime.ownMounts();
  const mountProblem = mounts && dataDirMountProblem(config.dataDir, mounts);
  if (mountProblem) {
    console.error(`pyhost: ${mountProblem}`);
    process.exit(2);
  }
  if (!(await runtime.imageExists(config.runtimeImage))) {
    console.error(`pyhost: the runtime image ${config.runtimeImage} is missing. Run scripts/setup.sh to build it.`);
    process.exit(2);
  }
  const docker = createDockerClient({ socketPath: config.dockerSocket });
  const app = await buildApp({ config, logger, runtime, hostCommands: (instance) => new HostCommands(docker, instance, config.runtimeImage) });
  // The other Pythons' images are not needed to start: say which are missing.
  for (const { version, image, message } of await missingOtherRuntimeImages(config, (name) => runtime.imageExists(name))) {
    app.log.warn({ python: version, image }, message);
  }

  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
    });
  }

  // The api listens only on a unix socket that root alone may open: the
  // router (its own process, on the public port) is its only client.
  await prepareUnixSocket(config.apiSocket);
  await app.listen({ path: config.apiSocket });
  await fs.chmod(config.apiSocket, 0o600);
  app.log.info({ data: config.dataDir, domain: config.domain, signup: config.signup, socket: config.apiSocket }, 'the api is up');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
