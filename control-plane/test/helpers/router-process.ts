import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

const CONTROL_PLANE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The router as its own process (src/router-main.ts under tsx) on a loopback port. */
export class RouterProcess {
  private child: ChildProcess | null = null;
  output = '';

  constructor(readonly env: Record<string, string>, readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/router-main.ts'], {
      cwd: CONTROL_PLANE,
      env: { ...process.env, ...this.env, PYHOST_PORT: String(this.port), PYHOST_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    await eventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`router exited: ${this.output.slice(-2000)}`);
        // Any answer will do: an unknown host gets the router's own 404.
        const status = await new Promise<number>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port: this.port, path: '/', headers: { host: 'nobody.invalid' }, agent: false, timeout: 2000 }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', reject);
        });
        if (status !== 404) throw new Error(`router answered ${status}`);
      },
      { timeoutMs: 30_000, what: 'the router to answer' },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}
