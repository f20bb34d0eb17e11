import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch as undiciFetch } from 'undici';
import { eventually } from './eventually.js';

const CONTROL_PLANE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ChildName = 'api' | 'router';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `npm start`'s supervisor (src/supervisor.ts under tsx, which runs its api
 * and router under tsx too) as a real process. It learns the children's pids
 * from the supervisor's own "started the …" log lines, so PYHOST_LOG_LEVEL
 * must be info or debug. Output is kept for failure messages.
 */
export class SupervisorProcess {
  output = '';
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly pids: Record<ChildName, number[]> = { api: [], router: [] };
  private partial = '';
  private readonly agent: Agent;

  constructor(readonly env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/supervisor.ts'], {
      cwd: CONTROL_PLANE,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.child.stdout!.on('data', (d: Buffer) => this.read(d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.agent = new Agent({ connect: { socketPath: path.join(env.PYHOST_DATA ?? '.', 'api.sock') } });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Every pid the supervisor has started `name` with, oldest first. */
  childPids(name: ChildName): readonly number[] {
    return this.pids[name];
  }

  /** Waits until the supervisor has started `name` with a pid other than `previous`; returns it. */
  async nextPid(name: ChildName, previous: number | undefined, timeoutMs = 10_000): Promise<number> {
    return eventually(
      () => {
        const pid = this.pids[name].at(-1);
        if (pid === undefined || pid === previous) throw new Error(`no new ${name} yet`);
        return pid;
      },
      { timeoutMs, intervalMs: 10, what: `the supervisor to start the ${name}` },
    );
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** A request to the api on its unix socket (as the router's links would carry it). */
  async api(method: string, url: string, options: { token?: string; cookie?: string; csrf?: string; body?: object } = {}): Promise<{ status: number; text: string; setCookie: string | null }> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Token ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    if (options.body) headers['content-type'] = 'application/json';
    const res = await undiciFetch(`http://localhost${url}`, { method, headers, body: options.body ? JSON.stringify(options.body) : undefined, dispatcher: this.agent });
    return { status: res.status, text: await res.text(), setCookie: res.headers.get('set-cookie') };
  }

  /** SIGTERM, then waits for the exit (SIGKILL for the supervisor and its children if it hangs): for cleanups. */
  async stop(): Promise<Exit> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => {
      for (const name of ['api', 'router'] as const) {
        const pid = this.pids[name].at(-1);
        if (pid !== undefined && parentOf(pid) === this.pid) process.kill(pid, 'SIGKILL');
      }
      this.signal('SIGKILL');
    }, 30_000);
    const exit = await this.exited;
    clearTimeout(timer);
    await this.agent.close();
    return exit;
  }

  private read(chunk: string): void {
    this.output += chunk;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"name":"supervisor"')) continue;
      try {
        const entry = JSON.parse(line) as { child?: ChildName; childPid?: number; msg?: string };
        if (entry.child && entry.childPid && entry.msg?.startsWith('started the')) this.pids[entry.child].push(entry.childPid);
      } catch {
        // not one of the supervisor's own lines after all
      }
    }
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The parent pid of a live process (from /proc), or undefined when it is gone. */
export function parentOf(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces, so read after its closing parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
