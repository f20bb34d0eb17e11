import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { eventually } from './eventually.js';

/** The repository root: docker-compose.yml, the Dockerfile and scripts/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `docker compose` (v2) where the plugin is installed, else Debian's `docker-compose` (1.29). */
function composeCommand(): string[] {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env: options.env, cwd: options.cwd, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/**
 * One compose project of its own (unique name, own data folder, own port),
 * driven through the real docker-compose.yml. Settings come only from `env`:
 * an empty env file keeps a developer's .env out of it.
 */
export class ComposeProject {
  private readonly command = composeCommand();
  private readonly envFile: string;

  constructor(readonly name: string, readonly env: Record<string, string>) {
    this.envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-compose-env-')), 'empty.env');
    fs.writeFileSync(this.envFile, '');
  }

  get tool(): string {
    return this.command.join(' ');
  }

  /** Runs a compose command; rejects with its output unless it exits 0 (or `allowFailure`). */
  async run(args: string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    const [bin, ...pre] = this.command;
    const full = [...pre, '--project-name', this.name, '--file', path.join(REPO_ROOT, 'docker-compose.yml'), '--env-file', this.envFile, ...args];
    const result = await run(bin!, full, { env: { ...process.env, ...this.env }, cwd: REPO_ROOT, timeoutMs: options.timeoutMs });
    if (result.code !== 0 && !options.allowFailure) {
      throw new Error(`${this.tool} ${args.join(' ')} exited ${result.code}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    }
    return result;
  }

  /** The service's container id, or '' when it has none. */
  async containerId(service: string): Promise<string> {
    return (await this.run(['ps', '-q', service])).stdout.trim();
  }

  async inspect(service: string): Promise<{ health: string; startedAt: string; running: boolean }> {
    const id = await this.containerId(service);
    if (!id) return { health: 'none', startedAt: '', running: false };
    const out = await run('docker', ['inspect', '--format', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.StartedAt}} {{.State.Running}}', id]);
    const [health = '', startedAt = '', running = ''] = out.stdout.trim().split(' ');
    return { health, startedAt, running: running === 'true' };
  }

  async waitHealthy(services: string[], timeoutMs = 90_000): Promise<void> {
    await eventually(
      async () => {
        for (const s of services) {
          const state = await this.inspect(s);
          if (state.health !== 'healthy') throw new Error(`${s} is ${state.health}`);
        }
      },
      { timeoutMs, intervalMs: 500, what: `${services.join(' and ')} healthy` },
    );
  }

  /** Removes the project's containers, and the env file. */
  async destroy(): Promise<void> {
    await this.run(['down', '--volumes', '--remove-orphans', '--timeout', '5'], { allowFailure: true });
    fs.rmSync(path.dirname(this.envFile), { recursive: true, force: true });
  }
}

/** The id of the image `ref` names, or '' when there is none. */
export async function imageId(ref: string): Promise<string> {
  const out = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
  return out.code === 0 ? out.stdout.trim() : '';
}

/** Untagged images that no other image builds on: `<none>` in `docker images`. */
async function danglingImages(): Promise<Set<string>> {
  const out = await run('docker', ['images', '--quiet', '--no-trunc', '--filter', 'dangling=true']);
  return new Set(out.stdout.split('\n').filter(Boolean));
}

/** True when `image` was built here on top of the image `baseId`. */
async function builtOn(image: string, baseId: string): Promise<boolean> {
  const out = await run('docker', ['history', '--quiet', '--no-trunc', image]);
  return out.stdout.split('\n').includes(baseId);
}

/**
 * The images a test's builds made or made obsolete, so that it can remove
 * exactly those at its end and nothing else on an engine that other work
 * shares. For each build, compared before and after it:
 * - the image the tag pointed at before, when the build moved the tag away;
 * - the image built, when it is new (not a layer-cache hit);
 * - new `<none>` images on top of `base`: the classic builder (docker-compose
 *   1.29, DOCKER_BUILDKIT=0) keeps each stage of a multi-stage Dockerfile but
 *   the last as an untagged image.
 */
export class BuiltImages {
  private readonly ids: string[] = [];

  /** Runs `build`, which tags `tag` with an image made from `base`; records what it left even when it fails. */
  async build(tag: string, base: string, build: () => Promise<unknown>): Promise<void> {
    const [previous, baseId, danglingBefore] = await Promise.all([imageId(tag), imageId(base), danglingImages()]);
    try {
      await build();
    } finally {
      const current = await imageId(tag);
      if (previous && previous !== current) this.ids.push(previous);
      for (const id of await danglingImages()) {
        if (!danglingBefore.has(id) && id !== previous && baseId && (await builtOn(id, baseId))) this.ids.push(id);
      }
      if (current && current !== previous) this.ids.push(current);
    }
  }

  /**
   * Removes them, newest first (an image before the one it was built on).
   * Never forced: an image that a container uses or that got another tag
   * meanwhile is someone else's now and stays. Returns how many went.
   */
  async remove(): Promise<number> {
    let removed = 0;
    for (const id of this.ids.splice(0).reverse()) {
      if ((await run('docker', ['image', 'rm', id])).code === 0) removed++;
    }
    return removed;
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
  json<T = unknown>(): T;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request to a loopback port with the given Host header (the router decides by it). */
export async function httpTo(port: number, host: string, method: string, urlPath: string, options: { token?: string; body?: unknown; cookie?: string; csrf?: string; raw?: { payload: Buffer; headers: Record<string, string> } } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { host };
  if (options.token) headers.authorization = `Token ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.raw) Object.assign(headers, options.raw.headers);
  const res = await request(`http://127.0.0.1:${port}${urlPath}`, {
    method: method as 'GET',
    headers,
    body: options.raw ? options.raw.payload : options.body === undefined ? undefined : JSON.stringify(options.body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const body = await res.body.text();
  return { status: res.statusCode, body, headers: res.headers, json: <T>() => JSON.parse(body) as T };
}
