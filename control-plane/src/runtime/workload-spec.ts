// The pure builder from "what the control plane wants" to Docker's create
// options, for every kind of workload. All hardening lives here, in one
// table-tested function, so that no kind can drift from the others and no
// caller can forget an option or smuggle in a mount.
import path from 'node:path';
import type { ContainerCreateOptions, MountSettings } from 'dockerode';
import type { WorkloadKind } from '../domain/workloads.js';
import { buildLabels, isValidInstanceId } from './labels.js';
import { EGRESS_TARGET, networkEntrypoint, networkEnv, networkMounts, WHEELHOUSE_TARGET, type WorkloadNetwork } from './workload-network.js';

export interface ResourceLimits {
  memoryBytes: number;
  nanoCpus: number;
  pids: number;
  /** Total bytes Docker keeps of the container's stdout/stderr (all files together). */
  logMaxBytes: number;
}

export interface WorkloadMount {
  /** An absolute, normalized host path the control plane derived; users never choose it. */
  readonly source: string;
  /** One of the agreed places (MOUNT_TARGETS). */
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface WorkloadSpec {
  readonly kind: WorkloadKind;
  readonly instance: string;
  readonly image: string;
  readonly username: string;
  /** Used as uid and gid; never 0. */
  readonly uid: number;
  /** The workload's id within its kind: a web app's id; the user's id for their console container. */
  readonly workloadId: number;
  /** Which generation of the workload's settings (kinds replaced side by side); null for one container per workload. */
  readonly generation: number | null;
  /** The full environment, built by the kind's spec builder (see runtime-contract.md). */
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly WorkloadMount[];
  /** Replaces the image's entrypoint (the web-app gateway) for kinds that run something else. */
  readonly entrypoint?: readonly string[];
  readonly workingDir?: string;
  readonly hostname?: string;
  /** SIGTERM: the process stops gracefully (the gateway drains); SIGKILL: nothing to keep. */
  readonly stopSignal: 'SIGTERM' | 'SIGKILL';
  readonly limits: ResourceLimits;
  /** Informational only: a label for `docker ps --filter` (a web app's domain). */
  readonly domain?: string;
  /** Tells apart in the name a second container of one workload (a user's console container for another Python). */
  readonly variant?: string;
  /** The wheelhouse and the way out through the egress proxy (workload-network.ts); absent: neither. */
  readonly network?: WorkloadNetwork;
}

export const TMPFS_OPTIONS = 'rw,nosuid,nodev,size=64m';
/** Docker's json-file driver keeps this many files; logMaxBytes is split across them. */
export const LOG_MAX_FILES = 2;
/** Docker refuses memory limits under 6 MiB. */
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
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
/**
 * Where a user's container may see host folders: their own three, a run
 * folder, generated identity files, the admin's wheels and the egress
 * proxy's socket folder (the last three read-only).
 */
const MOUNT_TARGETS = (username: string): ReadonlyMap<string, 'rw' | 'ro'> =>
  new Map([
    [`/home/${username}`, 'rw'], ['/var/www', 'rw'], ['/var/log', 'rw'], ['/run/pyhost', 'rw'],
    ['/etc/passwd', 'ro'], ['/etc/group', 'ro'], [WHEELHOUSE_TARGET, 'ro'], [EGRESS_TARGET, 'ro'],
  ]);

export class InvalidSpecError extends Error {
  override name = 'InvalidSpecError';
}

function fail(message: string): never {
  throw new InvalidSpecError(message);
}

function positiveInt(name: string, n: number): void {
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

/** Names are for people (`docker ps`); Pyhost finds its containers by label. */
export function containerName(spec: Pick<WorkloadSpec, 'kind' | 'instance' | 'username' | 'workloadId' | 'generation' | 'variant'>): string {
  if (spec.kind === 'console') return `pyhost-${spec.instance}-console-${spec.username}${spec.variant === undefined ? '' : `-${spec.variant}`}`;
  const base = spec.kind === 'webapp' ? `pyhost-${spec.instance}-${spec.workloadId}` : `pyhost-${spec.instance}-${spec.kind}-${spec.workloadId}`;
  return spec.generation === null ? base : `${base}-g${spec.generation}`;
}

function buildEnv(env: Readonly<Record<string, string>>, home: string): string[] {
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

/**
 * A compare candidate gets a copy of the project folder over that folder
 * of its read-only home (docs/compare-servers.md): a folder strictly below
 * /home/<u>, normalized.
 */
function isBeneathHome(target: string, username: string): boolean {
  const home = `/home/${username}/`;
  return target.startsWith(home) && target.length > home.length && path.posix.normalize(target) === target && !target.endsWith('/');
}

const NO_NETWORK: WorkloadNetwork = Object.freeze({ wheelhouse: null, egressDir: null });

function mounts(spec: WorkloadSpec, network: WorkloadNetwork): MountSettings[] {
  const allowed = MOUNT_TARGETS(spec.username);
  const seen = new Set<string>();
  return [...spec.mounts, ...networkMounts(network)].map((m) => {
    assertSafeHostPath(m.target, m.source);
    const mode = allowed.get(m.target) ?? (spec.kind === 'compare' && isBeneathHome(m.target, spec.username) ? 'rw' : undefined);
    if (mode === undefined) fail(`mount target ${JSON.stringify(m.target)} is not one a user's container may have`);
    if (mode === 'ro' && m.readOnly !== true) fail(`mount target ${m.target} must be read-only`);
    if (seen.has(m.target)) fail(`mount target ${m.target} appears twice`);
    seen.add(m.target);
    return { Type: 'bind', Source: m.source, Target: m.target, ReadOnly: m.readOnly === true };
  });
}

function validate(spec: WorkloadSpec): void {
  if (!isValidInstanceId(spec.instance)) fail(`invalid instance id ${JSON.stringify(spec.instance)}`);
  if (typeof spec.image !== 'string' || spec.image.trim() === '') fail('image must not be empty');
  if (!USERNAME_RE.test(spec.username)) fail(`invalid username ${JSON.stringify(spec.username)}`);
  if (spec.uid === 0) fail('uid 0 (root) is never allowed');
  positiveInt('uid', spec.uid);
  if (!Number.isSafeInteger(spec.workloadId) || spec.workloadId < 0) fail('workloadId must be a non-negative integer');
  if (spec.generation !== null && (!Number.isSafeInteger(spec.generation) || spec.generation < 0)) fail('generation must be a non-negative integer');
  if (spec.domain !== undefined && (!DOMAIN_RE.test(spec.domain) || spec.domain.length > 253)) fail(`invalid domain ${JSON.stringify(spec.domain)}`);
  if (spec.variant !== undefined && !/^[a-z0-9]{1,16}$/.test(spec.variant)) fail(`invalid variant ${JSON.stringify(spec.variant)}`);
  positiveInt('limits.memoryBytes', spec.limits.memoryBytes);
  if (spec.limits.memoryBytes < MIN_MEMORY_BYTES) fail(`limits.memoryBytes must be at least ${MIN_MEMORY_BYTES}`);
  positiveInt('limits.nanoCpus', spec.limits.nanoCpus);
  positiveInt('limits.pids', spec.limits.pids);
  positiveInt('limits.logMaxBytes', spec.limits.logMaxBytes);
}

/**
 * The hardening every Pyhost container gets, whatever runs in it: non-root,
 * no capabilities, no new privileges, read-only root, bounded memory (no
 * swap), CPU, processes and logs, no network, no restarts behind the
 * reconciler's back.
 */
function hardenedHostConfig(limits: ResourceLimits, binds: MountSettings[]): NonNullable<ContainerCreateOptions['HostConfig']> {
  const logFileBytes = Math.max(1024, Math.floor(limits.logMaxBytes / LOG_MAX_FILES));
  return {
    Mounts: binds,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: true,
    Tmpfs: { '/tmp': TMPFS_OPTIONS },
    PidsLimit: limits.pids,
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    NanoCpus: limits.nanoCpus,
    Init: true,
    LogConfig: { Type: 'json-file', Config: { 'max-size': String(logFileBytes), 'max-file': String(LOG_MAX_FILES) } },
    NetworkMode: 'none',
    RestartPolicy: { Name: 'no' },
    Privileged: false,
  };
}

/** Pure: the complete, hardened create options for one workload's container. */
export function buildCreateOptions(spec: WorkloadSpec): ContainerCreateOptions {
  validate(spec);
  const home = `/home/${spec.username}`;
  const network = spec.network ?? NO_NETWORK;
  const entrypoint = networkEntrypoint(network, spec.entrypoint);
  return {
    name: containerName(spec),
    Image: spec.image,
    User: `${spec.uid}:${spec.uid}`,
    // The workload's own variables win: a user may point pip at another index.
    Env: buildEnv({ ...(spec.network === undefined ? {} : networkEnv(spec.network)), ...spec.env }, home),
    Labels: {
      ...buildLabels({ instance: spec.instance, user: spec.username, kind: spec.kind, workload: spec.workloadId, generation: spec.generation }),
      ...(spec.domain === undefined ? {} : { [LABEL_DOMAIN]: spec.domain }),
    },
    ...(entrypoint === undefined ? {} : { Entrypoint: entrypoint, Cmd: [] }),
    ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir }),
    ...(spec.hostname === undefined ? {} : { Hostname: spec.hostname }),
    StopSignal: spec.stopSignal,
    HostConfig: hardenedHostConfig(spec.limits, mounts(spec, network)),
  };
}
