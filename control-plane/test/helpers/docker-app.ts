import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type Docker from 'dockerode';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp, type App } from '../../src/app.js';
import { HostCommands, createDockerClient, createDockerRuntime, type ContainerRuntime } from '../../src/runtime/index.js';
import { userDirs } from '../../src/domain/layout.js';
import { wsgiFileName } from '../../src/domain/names.js';
import { ADMIN, asToken, createUser, type TestUser } from './test-app.js';
import { eventually } from './eventually.js';
import { expectHardened } from './hardening.js';
import { activeRunDir } from '../../src/services/webapps/webapp-deployer.js';
import { statusCodeOf } from '../../src/runtime/docker-errors.js';

export const docker = createDockerClient();

export interface DockerTestApp {
  app: App;
  config: Config;
  dataDir: string;
  /**
   * `docker inspect` of every container this test app started, taken as the
   * runtime's start returned it (before anything could stop or remove it).
   * A failed inspect rejects; null only if the engine no longer knew it.
   */
  inspected: Map<string, Promise<Docker.ContainerInspectInfo | null>>;
  /** The control plane restarted: `app` closes, and a new one opens on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The production app on the real Docker Engine, in a temp data directory
 * (and so with its own instance id: it never touches other containers).
 * close() removes every container of that instance.
 */
export async function createDockerTestApp(env: Record<string, string> = {}, options: { disks?: boolean } = {}): Promise<DockerTestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-dk-'));
  const config = loadConfig({ PYHOST_DATA: dataDir, PYHOST_ADMIN_USER: ADMIN.username, PYHOST_ADMIN_PASSWORD: ADMIN.password, PYHOST_PASSWORD_HASH_COST: '14', ...env });
  const runtime = createDockerRuntime({ socketPath: config.dockerSocket });
  const inspected = recordStarts(runtime);
  const host = options.disks ? (instance: string) => (hostHelper = new HostCommands(docker, instance, config.runtimeImage)) : undefined;
  let hostHelper: HostCommands | null = null;
  const open = async () => {
    const app = await buildApp({ config, runtime, ...(host ? { hostCommands: host } : {}) });
    await app.ready();
    return app;
  };
  const t: DockerTestApp = {
    app: await open(),
    config,
    dataDir,
    inspected,
    async restart() {
      await t.app.close();
      t.app = await open();
    },
    async close() {
      const instance = t.app.instanceId;
      await t.app.close();
      for (const c of await runtime.list(instance)) await runtime.remove(c.id);
      // The egress proxy is not a workload (runtime.list leaves it out): it goes with its network.
      await runtime.egressProxy.remove(instance);
      // Users' disks outlive the api (as on a real server); a test's go with it, unmounted before its folder is removed.
      unmountDisks(dataDir);
      await hostHelper?.remove();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * `docker inspect` of every container `runtime` starts from now on, by id,
 * taken as its start returns. Every workload container goes through
 * runtime.start: recorded there, not from the engine's event stream, whose
 * events can arrive after a short-lived container is already gone. A failed
 * inspect rejects; null only if the engine no longer knew the container.
 */
export function recordStarts(runtime: ContainerRuntime): Map<string, Promise<Docker.ContainerInspectInfo | null>> {
  const inspected = new Map<string, Promise<Docker.ContainerInspectInfo | null>>();
  const start = runtime.start.bind(runtime);
  runtime.start = async (spec) => {
    const started = await start(spec);
    const info = docker
      .getContainer(started.id)
      .inspect()
      .catch((err: unknown) => (statusCodeOf(err) === 404 ? null : Promise.reject(err)));
    info.catch(() => {}); // rejected only for whoever awaits it, not as an unhandled rejection
    inspected.set(started.id, info);
    return started;
  };
  return inspected;
}

/** Unmounts every account's disk under dataDir/users (the test runs as root, in the engine's mount namespace). */
export function unmountDisks(dataDir: string): void {
  const users = path.join(dataDir, 'users');
  if (!fs.existsSync(users)) return;
  for (const name of fs.readdirSync(users)) {
    const root = path.join(users, name);
    if (fs.lstatSync(root).dev !== fs.lstatSync(users).dev) execFileSync('umount', [root]);
  }
}

export function wsgiFile(t: DockerTestApp, user: TestUser, domain: string): string {
  return path.join(userDirs(t.dataDir, user.username).www, wsgiFileName(domain));
}

export function errorLog(t: DockerTestApp, user: TestUser, domain: string): string {
  return path.join(userDirs(t.dataDir, user.username).log, `${domain}.error.log`);
}

/** Writes a file as the user would (owned by their uid). */
export function writeAsUser(file: string, content: string, uid: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (process.getuid?.() === 0) fs.chownSync(file, uid, uid);
}

export function helloApp(text: string): string {
  return [
    'def application(environ, start_response):',
    `    body = ${JSON.stringify(text)}.encode()`,
    "    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])",
    '    return [body]',
    '',
  ].join('\n');
}

export async function uidOf(app: App, user: TestUser): Promise<number> {
  return (await app.inject({ url: '/api/auth/me', headers: asToken(user.token) })).json().uid;
}

export async function getWebapp(app: App, user: TestUser, domain: string) {
  const res = await app.inject({ url: `/api/v0/user/${user.username}/webapps/${domain}/`, headers: asToken(user.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function waitForState(app: App, user: TestUser, domain: string, state: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const w = await getWebapp(app, user, domain);
      if (w.state !== state) throw new Error(`state is ${w.state}`);
      return w;
    },
    { timeoutMs, what: `${domain} ${state}` },
  );
}

/** The socket that serves a web app now, from the database's active generation. */
export function activeSocket(t: DockerTestApp, domain: string): string {
  const row = t.app.stores.webapps.byDomain(domain)!;
  const dir = activeRunDir(t.dataDir, row);
  if (!dir) throw new Error(`${domain} has no active container`);
  return path.join(dir, 'app.sock');
}

export async function newUser(app: App) {
  const user = await createUser(app);
  return { user, uid: await uidOf(app, user) };
}

/** Checks the hardening of every container the test app created, on whatever path it was created. */
export async function expectAllHardened(t: DockerTestApp, users: Map<string, number>): Promise<number> {
  let checked = 0;
  for (const pending of t.inspected.values()) {
    const info = await pending;
    if (!info) continue; // removed by the app in the moment between its start and this inspect
    const username = info.Config.Labels['io.pyhost.user']!;
    expectHardened(info, { uid: users.get(username)!, username });
    checked++;
  }
  return checked;
}
