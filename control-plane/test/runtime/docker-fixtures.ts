// Fixtures for the real-Docker tests: a unique instance id per run, host dirs
// laid out like PYHOST_DATA and owned by a throwaway uid, and LIFO cleanup
// that also sweeps every container carrying this run's instance label.
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { webappSpec, type TestWebappSpec, type WebappHostPaths } from '../helpers/container-specs.js';
import { createDockerClient } from '../../src/runtime/docker-runtime.js';
import { waitUntilAnswers } from '../../src/runtime/gateway-client.js';
import { LABEL_INSTANCE } from '../../src/runtime/labels.js';

export const IMAGE = process.env.PYHOST_RUNTIME_IMAGE ?? 'pyhost-runtime:latest';
export const INSTANCE = `test-${randomBytes(4).toString('hex')}`;
export const OTHER_INSTANCE = `${INSTANCE}-other`;
export const UID = 10_000 + randomInt(1_000, 50_000);
export const USERNAME = 'alice';
export const MiB = 1024 * 1024;

export const docker = createDockerClient();

type Cleanup = () => Promise<unknown>;
const cleanups: Cleanup[] = [];

export function defer(fn: Cleanup): void {
  cleanups.push(fn);
}

export async function runCleanups(): Promise<void> {
  const errors: unknown[] = [];
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  // Belt and braces: whatever a failed test left behind under our labels.
  for (const instance of [INSTANCE, OTHER_INSTANCE]) {
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${instance}`] } });
    for (const c of left) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch((e: unknown) => errors.push(e));
  }
  if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
}

export function domainFor(generation: number): string {
  return `${USERNAME}-${generation}.localhost`;
}

export function wsgiPath(hostPaths: WebappHostPaths, domain: string): string {
  return path.join(hostPaths.www, `${domain.replaceAll('.', '_')}_wsgi.py`);
}

export function helloWsgi(text: string): string {
  return [
    'def application(environ, start_response):',
    "    start_response('200 OK', [('Content-Type', 'text/plain')])",
    `    return [${JSON.stringify(text)}.encode()]`,
    '',
  ].join('\n');
}

export async function writeOwned(file: string, content: string): Promise<void> {
  await fs.writeFile(file, content);
  await fs.chown(file, UID, UID);
}

/** A fresh PYHOST_DATA-like tree for one container, with a hello-world WSGI file. */
export async function helloSpec(generation: number, text = 'hello v1'): Promise<TestWebappSpec> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'pyhost-rt-'));
  defer(() => fs.rm(root, { recursive: true, force: true }));
  const hostPaths = {
    home: path.join(root, 'home'),
    www: path.join(root, 'www'),
    log: path.join(root, 'log'),
    run: path.join(root, 'run'),
  };
  for (const dir of Object.values(hostPaths)) {
    await fs.mkdir(dir);
    await fs.chown(dir, UID, UID);
  }
  const domain = domainFor(generation);
  await writeOwned(wsgiPath(hostPaths, domain), helloWsgi(text));
  return webappSpec({
    instance: INSTANCE,
    image: IMAGE,
    username: USERNAME,
    uid: UID,
    workloadId: 1,
    domain,
    generation,
    env: {
      PYHOST_DOMAIN_NAME: domain,
      PYHOST_USERNAME: USERNAME,
      PYHOST_SERVER: 'uwsgi',
      PYHOST_WORKERS: '1',
      PYHOST_SOURCE_DIR: `/home/${USERNAME}`,
      PYHOST_WORKING_DIR: `/home/${USERNAME}`,
      PYHOST_VIRTUALENV: '',
      PYHOST_AUTO_RELOAD: '0',
    },
    hostPaths,
    limits: { memoryBytes: 256 * MiB, nanoCpus: 500_000_000, pids: 128, logMaxBytes: 2 * MiB },
  });
}

/** Waits for app.sock; on timeout fails with what the container and its server log say. */
export async function expectAnswers(spec: TestWebappSpec, id: string, timeoutMs = 30_000): Promise<void> {
  if (await waitUntilAnswers(spec.hostPaths.run, timeoutMs)) return;
  const state = await docker
    .getContainer(id)
    .inspect()
    .then((i) => `${i.State.Status} (exit ${i.State.ExitCode})`)
    .catch((e: unknown) => String(e));
  const serverLog = await fs
    .readFile(path.join(spec.hostPaths.log, `${spec.domain}.server.log`), 'utf8')
    .catch(() => '(no server log)');
  throw new Error(`app.sock did not answer within ${timeoutMs} ms; container ${state}; image ${spec.image}\n${serverLog.slice(-2000)}`);
}

/** Runs a command in the container (as its configured user) and returns its output. */
export async function execOutput(id: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return Buffer.concat(chunks).toString('utf8');
}
