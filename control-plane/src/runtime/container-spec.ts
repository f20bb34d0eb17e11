// The pure builder from "what the control plane wants" to Docker's create
// options. All hardening lives here, in one table-tested function, so that no
// caller can forget an option or smuggle in a mount.
import path from 'node:path';
import type { ContainerCreateOptions, MountSettings } from 'dockerode';
import { buildLabels, isValidInstanceId } from './labels.js';

export interface ResourceLimits {
  memoryBytes: number;
  nanoCpus: number;
  pids: number;
  /** Total bytes Docker keeps of the container's stdout/stderr (all files together). */
  logMaxBytes: number;
}

export interface WebappHostPaths {
  home: string;
  www: string;
  log: string;
  run: string;
}

export interface WebappContainerSpec {
  instance: string;
  image: string;
  username: string;
  /** Used as uid and gid; never 0. */
  uid: number;
  webappId: number;
  domain: string;
  generation: number;
  /** The full environment, built by the caller (see runtime-contract.md). */
  env: Record<string, string>;
  /** Absolute, normalized host paths; the control plane derives them, users never choose them. */
  hostPaths: WebappHostPaths;
  limits: ResourceLimits;
}

export const TMPFS_OPTIONS = 'rw,nosuid,nodev,size=64m';
/** Docker's json-file driver keeps this many files; logMaxBytes is split across them. */
export const LOG_MAX_FILES = 2;
/** Docker refuses memory limits under 6 MiB. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** Informational only (for `docker ps --filter`); the parser does not need it. */
export const LABEL_DOMAIN = 'io.pyhost.domain';

// Usernames become a path component (/home/<u>): this keeps them from
// escaping it ('.', '..', '/') whatever the store validated. Same rule as
// the gateway's PYHOST_USERNAME check, so a spec we build is one it accepts.
export const USERNAME_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
const DOMAIN_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Host trees that must never reach a user's container, even through a
// misconfigured data dir.
const FORBIDDEN_HOST_ROOTS = ['/proc', '/sys', '/dev', '/etc', '/boot', '/var/run', '/run/docker'];

export class InvalidSpecError extends Error {
  override name = 'InvalidSpecError';
}

export function fail(message: string): never {
  throw new InvalidSpecError(message);
}

export function positiveInt(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) fail(`${name} must be a positive integer, got ${n}`);
}

export function assertSafeHostPath(name: string, p: string): void {
  if (typeof p !== 'string' || p.includes('\0')) fail(`host path ${name} is not a string`);
  if (!path.posix.isAbsolute(p)) fail(`host path ${name} must be absolute: ${JSON.stringify(p)}`);
  // normalize() keeps a trailing slash and resolves '..'/'.'/'//': any
  // difference means the caller built the path sloppily.
  if (path.posix.normalize(p) !== p || (p.length > 1 && p.endsWith('/'))) {
    fail(`host path ${name} must be normalized: ${JSON.stringify(p)}`);
  }
  if (p === '/') fail(`host path ${name} must not be the root directory`);
  if (path.posix.basename(p).includes('docker.sock')) fail(`host path ${name} must not be a Docker socket`);
  for (const root of FORBIDDEN_HOST_ROOTS) {
    if (p === root || p.startsWith(`${root}/`)) fail(`host path ${name} must not be under ${root}`);
  }
}

export function webappContainerName(instance: string, webappId: number, generation: number): string {
  return `pyhost-${instance}-${webappId}-g${generation}`;
}

export function buildEnv(env: Record<string, string>, home: string): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_KEY_RE.test(key)) fail(`invalid environment variable name ${JSON.stringify(key)}`);
    if (typeof value !== 'string' || value.includes('\0')) fail(`environment variable ${key} has an invalid value`);
    out.push(`${key}=${value}`);
  }
  // The uid has no passwd entry in the image, so Docker would set HOME=/;
  // the home mount point is decided here, so HOME is too unless given.
  if (!('HOME' in env)) out.push(`HOME=${home}`);
  return out;
}

export function bind(source: string, target: string, readOnly = false): MountSettings {
  return { Type: 'bind', Source: source, Target: target, ReadOnly: readOnly };
}

export function validateWebappSpec(spec: WebappContainerSpec): void {
  if (!isValidInstanceId(spec.instance)) fail(`invalid instance id ${JSON.stringify(spec.instance)}`);
  if (typeof spec.image !== 'string' || spec.image.trim() === '') fail('image must not be empty');
  if (!USERNAME_RE.test(spec.username)) fail(`invalid username ${JSON.stringify(spec.username)}`);
  if (spec.uid === 0) fail('uid 0 (root) is never allowed');
  positiveInt('uid', spec.uid);
  if (!Number.isSafeInteger(spec.webappId) || spec.webappId < 0) fail('webappId must be a non-negative integer');
  if (!Number.isSafeInteger(spec.generation) || spec.generation < 0) fail('generation must be a non-negative integer');
  if (!DOMAIN_RE.test(spec.domain) || spec.domain.length > 253) fail(`invalid domain ${JSON.stringify(spec.domain)}`);
  for (const [name, p] of Object.entries(spec.hostPaths)) assertSafeHostPath(name, p);
  validateLimits(spec.limits);
}

/**
 * The hardening every Pyhost container gets, whatever runs in it (web apps,
 * consoles, tasks): one function so that no kind can drift from the others.
 */
export function hardenedHostConfig(limits: ResourceLimits, mounts: MountSettings[]): NonNullable<ContainerCreateOptions['HostConfig']> {
  const logFileBytes = Math.max(1024, Math.floor(limits.logMaxBytes / LOG_MAX_FILES));
  return {
    Mounts: mounts,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: true,
    Tmpfs: { '/tmp': TMPFS_OPTIONS },
    PidsLimit: limits.pids,
    Memory: limits.memoryBytes,
    // Equal to Memory: no swap on top of the limit.
    MemorySwap: limits.memoryBytes,
    NanoCpus: limits.nanoCpus,
    Init: true,
    LogConfig: {
      Type: 'json-file',
      Config: { 'max-size': String(logFileBytes), 'max-file': String(LOG_MAX_FILES) },
    },
    NetworkMode: 'none',
    // The reconciler restarts (with backoff); Docker restarting behind its
    // back would hide crash loops.
    RestartPolicy: { Name: 'no' },
    Privileged: false,
  };
}

export function validateLimits(limits: ResourceLimits): void {
  positiveInt('limits.memoryBytes', limits.memoryBytes);
  if (limits.memoryBytes < MIN_MEMORY_BYTES) fail(`limits.memoryBytes must be at least ${MIN_MEMORY_BYTES}`);
  positiveInt('limits.nanoCpus', limits.nanoCpus);
  positiveInt('limits.pids', limits.pids);
  positiveInt('limits.logMaxBytes', limits.logMaxBytes);
}

/** Pure: the complete, hardened create options for one web-app container. */
export function buildWebappCreateOptions(spec: WebappContainerSpec): ContainerCreateOptions {
  validateWebappSpec(spec);
  const home = `/home/${spec.username}`;
  const ids = `${spec.uid}:${spec.uid}`;
  return {
    name: webappContainerName(spec.instance, spec.webappId, spec.generation),
    Image: spec.image,
    User: ids,
    Env: buildEnv(spec.env, home),
    Labels: {
      ...buildLabels({
        instance: spec.instance,
        user: spec.username,
        kind: 'webapp',
        webapp: spec.webappId,
        generation: spec.generation,
      }),
      [LABEL_DOMAIN]: spec.domain,
    },
    // The gateway finishes in-flight requests within 10 s of SIGTERM.
    StopSignal: 'SIGTERM',
    HostConfig: hardenedHostConfig(spec.limits, [
      bind(spec.hostPaths.home, home),
      bind(spec.hostPaths.www, '/var/www'),
      bind(spec.hostPaths.log, '/var/log'),
      bind(spec.hostPaths.run, '/run/pyhost'),
    ]),
  };
}
