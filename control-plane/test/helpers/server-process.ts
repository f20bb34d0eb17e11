import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { eventually } from './eventually.js';

const CONTROL_PLANE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The api as its own process (src/server.ts under tsx), for tests that kill
 * or restart it. Output is kept for failure messages. The api listens only
 * on its unix socket (PYHOST_API_SOCKET, by default <data>/api.sock);
 * `fetch` talks to it there, as the router does.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private readonly agent: Agent;
  output = '';

  constructor(readonly env: Record<string, string>, readonly port: number) {
    this.agent = new Agent({ connect: { socketPath: this.socketPath } });
  }

  get socketPath(): string {
    return this.env.PYHOST_API_SOCKET ?? path.join(this.env.PYHOST_DATA ?? './data', 'api.sock');
  }

  /** A request to the api over its socket; `url` is a path such as /api/health. */
  fetch(url: string, init: RequestInit = {}): Promise<Response> {
    return undiciFetch(`http://localhost${url}`, { ...init, dispatcher: this.agent });
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: CONTROL_PLANE,
      env: { ...process.env, ...this.env, PYHOST_PORT: String(this.port), PYHOST_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    await eventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`server exited: ${this.output.slice(-2000)}`);
        const res = await this.fetch('/api/health');
        if (res.status !== 200) throw new Error(`health ${res.status}`);
      },
      { timeoutMs: 30_000, what: 'the api to answer' },
    );
  }

  /** SIGKILL: no chance to clean anything up. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(sig);
    await exited;
    this.child = null;
  }

  async request(method: string, url: string, token: string | null, body?: object): Promise<{ status: number; json: () => unknown; text: string }> {
    const res = await this.fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Token ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as unknown };
  }
}
