import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const CONTROL_PLANE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface EntryOptions {
  /** The entry file under tsx, relative to control-plane/ (src/server.ts). */
  entry: string;
  /** What failure messages call the process ("router", "api"). */
  name: string;
}

/**
 * A control-plane entry point as its own process on a loopback port, for
 * tests that need a real process boundary. Output is kept for failure
 * messages. Subclasses say how to tell that the process answers.
 */
export abstract class EntryProcess {
  private child: ChildProcess | null = null;
  output = '';

  constructor(
    private readonly options: EntryOptions,
    readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  /** The running process's pid (undefined before start and after it ended). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Throws until the started process answers as it should. */
  protected abstract probe(): Promise<void>;

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', this.options.entry], {
      cwd: CONTROL_PLANE,
      env: { ...process.env, ...this.env, PYHOST_PORT: String(this.port), PYHOST_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${this.options.name} exited: ${this.output.slice(-2000)}`);
        }
        await this.probe();
      },
      { timeoutMs: 30_000, what: `the ${this.options.name} to answer` },
    );
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Sends `sig` and waits for the process to exit; a no-op once it has. */
  protected async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(sig);
    await exited;
    this.child = null;
  }
}
