import { ConfigError, loadConfig, type Config } from '../config.js';
import { BackupError } from '../backup/manifest.js';

// Shared by the command-line tools: the configuration from the environment
// (the same as the api's, so `docker compose exec api …` just works), and
// errors that a person can act on instead of stack traces.

/** A failure to report as one line, without a stack trace (exit status 1). */
export class CliError extends Error {}

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function runCli(name: string, main: (config: Config, args: string[]) => Promise<void>): void {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  main(config, process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      const known = err instanceof BackupError || err instanceof CliError;
      process.stderr.write(`${name}: ${known ? (err as Error).message : String((err as Error).stack ?? err)}\n`);
      process.exit(known ? 1 : 3);
    },
  );
}
