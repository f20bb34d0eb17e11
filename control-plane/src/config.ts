import { isIP } from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { isAddressOrCidr } from './domain/trusted-proxies.js';
import { LIMIT_RANGES, type Limits } from './domain/limits.js';
import { DEFAULT_PYTHON_VERSION, isPythonVersion, type PythonVersion } from './domain/python-versions.js';
import { fileURLToPath } from 'node:url';
import { allowEntryProblem, DEFAULT_EGRESS_ALLOW, EGRESS_MODES, normalizeAllowlist, type EgressMode } from './domain/egress.js';

// Every setting Pyhost reads from the environment, parsed once at start-up.
// Nothing else in the control plane reads process.env.

/**
 * Who may make their own account: nobody (`closed`: admins create them),
 * whoever has an invite code (`invite`), or anyone (`open`). This is the
 * start-up default; an admin can change it from the dashboard.
 */
export type SignupMode = 'open' | 'invite' | 'closed';
export const SIGNUP_MODES: readonly SignupMode[] = ['closed', 'invite', 'open'];

export interface Config {
  /** Absolute path of the data directory (database, users' files, run sockets). */
  readonly dataDir: string;
  /** The api's unix socket (HTTP); the router sends the dashboard hosts there. */
  readonly apiSocket: string;
  /** Base domain: the dashboard lives here and web apps default to <user>.<domain>. */
  readonly domain: string;
  /** The public port: the router listens here (the api only on apiSocket). */
  readonly port: number;
  /** The router's HTTPS port (PYHOST_HTTPS_PORT); null: no HTTPS (docs/https.md). */
  readonly httpsPort: number | null;
  /** Address to bind the public port to. */
  readonly host: string;
  readonly signup: SignupMode;
  readonly admin: { readonly username: string; readonly password: string } | null;
  /** Largest file the files API accepts, in bytes. */
  readonly maxUploadBytes: number;
  /** First numeric uid handed to users: a user's uid is uidBase + their id. */
  readonly uidBase: number;
  /**
   * The router's own unprivileged uid (and gid). It runs as this, never as
   * root, so that no path a user can write leads it to the Docker socket or
   * the api; below uidBase, so that no user ever gets it.
   */
  readonly ingressUid: number;
  /** Proxies whose X-Forwarded-* headers are believed (addresses or CIDRs). */
  readonly trustedProxies: readonly string[];
  /** The router's worker count and timeouts (PYHOST_ROUTER_*, PYHOST_APP_*_SECONDS). */
  readonly router: RouterSettings;
  readonly logLevel: string;
  /** The default Python's runtime image (PYHOST_RUNTIME_IMAGE); workloads take theirs from runtimeImageFor. */
  readonly runtimeImage: string;
  /** Each Python's runtime image (PYHOST_RUNTIME_IMAGE, PYHOST_RUNTIME_IMAGE_PYTHON39, _PYTHON313). */
  readonly runtimeImages: Readonly<Record<PythonVersion, string>>;
  /** Docker Engine's API socket. */
  readonly dockerSocket: string;
  /**
   * Per container limits, the same for every account (memory is each
   * account's own: `limits.memory_mb`).
   */
  readonly appLimits: {
    readonly nanoCpus: number;
    readonly pids: number;
    readonly logMaxBytes: number;
  };
  /**
   * scrypt's cost for new password hashes, as log2 N (17: OWASP's 2^17,
   * 128 MiB and a few hundred ms a hash). Hashes keep their own cost, so it
   * can change at any time.
   */
  readonly passwordHashCost: number;
  /** How long Reload waits for the app to answer before it reports failure. */
  readonly reloadTimeoutMs: number;
  /** Consoles nobody watched or typed into for this long are ended; so are idle console containers. */
  readonly consoleIdleMs: number;
  /**
   * Each account's limits unless an admin changes them (PYHOST_LIMIT_*,
   * PYHOST_CONSOLES_PER_USER, PYHOST_APP_MEMORY_MB, PYHOST_DAILY_CPU_SECONDS; domain/limits.ts).
   */
  readonly limits: Limits;
  /** Web apps woken at once at most (docs/sleeping-apps.md); the rest wait their turn, held by the router. */
  readonly wakeConcurrency: number;
  /**
   * Web apps awake at once on this instance at most (PYHOST_MAX_AWAKE_WEBAPPS; 0: no cap): past it, a
   * wake first puts the app idle longest to sleep (docs/sleeping-apps.md), so a crawler walking every app
   * keeps the machine's memory bounded.
   */
  readonly maxAwakeWebapps: number;
  /**
   * How often the CPU meter reads every running container's CPU time
   * (PYHOST_CPU_SAMPLE_SECONDS; docs/cpu-seconds.md). A container that ends
   * between two readings loses at most this much of its usage.
   */
  readonly cpuSampleMs: number;
  /** The built dashboard (Vite's output) that the api serves at the dashboard host. */
  readonly dashboardDir: string;
  /** Scheduled and always-on tasks (docs/tasks.md). */
  readonly tasks: TaskSettings;
  /** Automatic certificates (docs/https.md); null: ACME is off (neither PYHOST_ACME_DIRECTORY nor PYHOST_ACME_EMAIL set). */
  readonly acme: AcmeSettings | null;
  /** Custom domains' DNS check (docs/https.md). */
  readonly dns: DnsSettings;
  /** What users' code may reach on the internet (docs/egress.md). */
  readonly egress: EgressSettings;
}

export interface EgressSettings {
  /** PYHOST_EGRESS: none (the default), allowlist or open. */
  readonly mode: EgressMode;
  /** The sites allowlist mode lets through (PYHOST_EGRESS_ALLOW replaces the default list); in open mode these are let through even at local addresses. */
  readonly allow: readonly string[];
  /** The egress proxy's image (PYHOST_EGRESS_IMAGE; scripts/build-egress-image.sh builds it). */
  readonly image: string;
}

export interface DnsSettings {
  /** The resolver to ask (PYHOST_DNS_SERVER, `host` or `host:port`); null: the system's. */
  readonly server: string | null;
  /** The server's public IPv4 address, for A records (PYHOST_PUBLIC_IP); null: CNAME records only. */
  readonly publicIp: string | null;
}

/** Let's Encrypt's production directory: the value of PYHOST_ACME_DIRECTORY for real certificates. */
export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

export interface AcmeSettings {
  /** The CA's ACME directory URL (PYHOST_ACME_DIRECTORY). */
  readonly directory: string;
  /** The account's contact (PYHOST_ACME_EMAIL); null: an account without one. */
  readonly email: string | null;
  /** PEM of the CAs to trust for the directory's HTTPS besides the system's (PYHOST_ACME_CA_BUNDLE; tests: pebble's). */
  readonly caBundle: string | null;
}

export interface TaskSettings {
  /** A scheduled run is killed after this long (PYHOST_TASK_TIME_LIMIT_MINUTES). */
  readonly timeLimitMs: number;
  /** A task's log is rotated past this size (PYHOST_TASK_LOG_MAX_MB). */
  readonly logMaxBytes: number;
  /** How often the scheduler looks at the clock. */
  readonly tickMs: number;
  /** Scheduled and always-on tasks an account may have (PYHOST_LIMIT_SCHEDULED_TASKS, PYHOST_LIMIT_ALWAYS_ON_TASKS). */
  readonly maxScheduled: number;
  readonly maxAlwaysOn: number;
}

// src/config.ts and dist/config.js sit at the same depth, so one relative
// path finds the workspace's dashboard/dist from either.
const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

export interface RouterSettings {
  /** Router processes sharing the public port (node:cluster); 1 = no cluster. */
  readonly workers: number;
  /** How long a request waits for an app that is starting or switching containers before the 502 page. */
  readonly appWaitMs: number;
  /** How long an app may stay silent (no response bytes) before the router answers 504. */
  readonly appTimeoutMs: number;
  /** A client must send its request headers within this time (slow clients are cut off). */
  readonly headersTimeoutMs: number;
  /** A client must send its whole request, body included, within this time. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection from a client stays open. */
  readonly keepAliveTimeoutMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** Disks smaller than this hold little beyond ext4's own journal and tables. */
export const MIN_DISK_MB = 32;

/** PYHOST_DISK_QUOTA: `512M`, `2G`, `1T` or MiB alone; empty or 0: no quota (docs/disk-quotas.md). */
function diskQuotaMb(env: Env): number {
  const raw = (env.PYHOST_DISK_QUOTA ?? '').trim();
  if (raw === '' || raw === '0') return 0;
  const m = /^(\d+)\s*([MGT]i?B?)?$/i.exec(raw);
  const mb = m ? Number(m[1]) * ({ m: 1, g: 1024, t: 1024 * 1024 }[(m[2] ?? 'm')[0]!.toLowerCase() as 'm' | 'g' | 't']) : NaN;
  if (!(mb >= MIN_DISK_MB && mb <= LIMIT_RANGES.disk_mb.max)) {
    throw new ConfigError(`PYHOST_DISK_QUOTA must be a size such as 512M or 2G (at least ${MIN_DISK_MB}M), or empty for no quota; got "${raw}"`);
  }
  return mb;
}

/** PYHOST_SLEEP_AFTER: `30s`, `15m`, `2h`, `1d` or seconds alone; empty or 0: web apps never sleep (docs/sleeping-apps.md). */
function sleepAfterSeconds(env: Env): number {
  const raw = (env.PYHOST_SLEEP_AFTER ?? '').trim();
  const m = /^(\d+)\s*([smhd]?)$/i.exec(raw);
  const seconds = raw === '' ? 0 : m ? Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(seconds >= 0 && seconds <= LIMIT_RANGES.sleep_after_seconds.max)) {
    throw new ConfigError(`PYHOST_SLEEP_AFTER must be a duration such as 30s, 15m or 2h (at most 30d), or 0 for never; got "${raw}"`);
  }
  return seconds;
}

function domainName(env: Env): string {
  const value = (env.PYHOST_DOMAIN ?? 'localhost').trim().toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(value)) {
    throw new ConfigError(`PYHOST_DOMAIN must be a host name such as "localhost" or "pyhost.example.org", got "${value}"`);
  }
  return value;
}

function trustedProxies(env: Env): readonly string[] {
  const proxies = (env.PYHOST_TRUSTED_PROXIES ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of proxies) {
    if (!isAddressOrCidr(p)) throw new ConfigError(`PYHOST_TRUSTED_PROXIES must list addresses or CIDRs (e.g. 10.0.0.0/8), got "${p}"`);
  }
  return Object.freeze(proxies);
}

function routerSettings(env: Env): RouterSettings {
  const seconds = (name: string, fallback: number, max: number) => integer(env, name, fallback, 1, max) * 1000;
  return Object.freeze({
    workers: integer(env, 'PYHOST_ROUTER_WORKERS', 1, 1, 16),
    appWaitMs: seconds('PYHOST_APP_WAIT_SECONDS', 10, 600),
    appTimeoutMs: seconds('PYHOST_APP_TIMEOUT_SECONDS', 300, 3600),
    headersTimeoutMs: seconds('PYHOST_HEADERS_TIMEOUT_SECONDS', 20, 600),
    requestTimeoutMs: seconds('PYHOST_REQUEST_TIMEOUT_SECONDS', 300, 3600),
    keepAliveTimeoutMs: seconds('PYHOST_KEEPALIVE_TIMEOUT_SECONDS', 60, 3600),
  });
}

function admin(env: Env): Config['admin'] {
  const username = env.PYHOST_ADMIN_USER ?? '';
  const password = env.PYHOST_ADMIN_PASSWORD ?? '';
  if (username === '' && password === '') return null;
  if (username === '' || password === '') {
    throw new ConfigError('PYHOST_ADMIN_USER and PYHOST_ADMIN_PASSWORD must be set together');
  }
  if (password.length < 8) throw new ConfigError('PYHOST_ADMIN_PASSWORD must be at least 8 characters');
  return Object.freeze({ username, password });
}

function runtimeImages(env: Env): Readonly<Record<PythonVersion, string>> {
  // The tags scripts/lib/runtime-images.sh builds.
  return Object.freeze({
    '3.9': env.PYHOST_RUNTIME_IMAGE_PYTHON39 || 'pyhost-runtime:python39',
    '3.11': env.PYHOST_RUNTIME_IMAGE || 'pyhost-runtime:latest',
    '3.13': env.PYHOST_RUNTIME_IMAGE_PYTHON313 || 'pyhost-runtime:python313',
  });
}

/**
 * The image a workload on Python `version` runs in. A version that is no
 * longer offered (a row saved before it went) runs in the default image.
 */
export function runtimeImageFor(config: Pick<Config, 'runtimeImages'>, version: string): string {
  return config.runtimeImages[isPythonVersion(version) ? version : DEFAULT_PYTHON_VERSION];
}

function acmeSettings(env: Env, cwd: string): AcmeSettings | null {
  // On with a directory, or with a contact alone (then Let's Encrypt's).
  const email = (env.PYHOST_ACME_EMAIL ?? '').trim();
  const directory = (env.PYHOST_ACME_DIRECTORY ?? '').trim() || (email !== '' ? LETS_ENCRYPT_DIRECTORY : '');
  if (directory === '') return null;
  let url: URL;
  try {
    url = new URL(directory);
  } catch {
    throw new ConfigError(`PYHOST_ACME_DIRECTORY must be a URL such as ${LETS_ENCRYPT_DIRECTORY}, got "${directory}"`);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`PYHOST_ACME_DIRECTORY must be an https URL, got "${directory}"`);
  if (email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new ConfigError(`PYHOST_ACME_EMAIL must be an email address, got "${email}"`);
  const bundle = env.PYHOST_ACME_CA_BUNDLE ? path.resolve(cwd, env.PYHOST_ACME_CA_BUNDLE) : null;
  return Object.freeze({ directory, email: email || null, caBundle: bundle });
}

function dnsSettings(env: Env): DnsSettings {
  const server = (env.PYHOST_DNS_SERVER ?? '').trim();
  const m = /^([0-9.]+|\[[0-9a-f:]+\])(?::(\d{1,5}))?$/i.exec(server);
  if (server !== '' && (!m || !isIP(m[1]!.replace(/^\[|\]$/g, '')) || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)))) {
    throw new ConfigError(`PYHOST_DNS_SERVER must be an IP address with an optional :port, such as 127.0.0.1:8053, got "${server}"`);
  }
  const publicIp = (env.PYHOST_PUBLIC_IP ?? '').trim();
  if (publicIp !== '' && isIP(publicIp) !== 4) throw new ConfigError(`PYHOST_PUBLIC_IP must be the server's IPv4 address, such as 203.0.113.7, got "${publicIp}"`);
  return Object.freeze({ server: server || null, publicIp: publicIp || null });
}

function egressSettings(env: Env): EgressSettings {
  const mode = (env.PYHOST_EGRESS || 'none').trim().toLowerCase() as EgressMode;
  if (!EGRESS_MODES.includes(mode)) {
    throw new ConfigError(`PYHOST_EGRESS must be "none" (no internet), "allowlist" (only PYHOST_EGRESS_ALLOW's sites) or "open", got "${env.PYHOST_EGRESS}"`);
  }
  const raw = env.PYHOST_EGRESS_ALLOW;
  const entries = raw === undefined || raw.trim() === '' ? DEFAULT_EGRESS_ALLOW : raw.split(',').map((e) => e.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean);
  for (const entry of entries) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new ConfigError(`PYHOST_EGRESS_ALLOW: "${entry}" ${problem}`);
  }
  return Object.freeze({ mode, allow: Object.freeze(normalizeAllowlist(entries)), image: env.PYHOST_EGRESS_IMAGE || 'pyhost-egress:latest' });
}

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const signup = (env.PYHOST_SIGNUP ?? 'closed') as SignupMode;
  if (!SIGNUP_MODES.includes(signup)) {
    throw new ConfigError(`PYHOST_SIGNUP must be "closed", "invite" or "open", got "${signup}"`);
  }
  const dataDir = path.resolve(cwd, env.PYHOST_DATA ?? './data');
  const uidBase = integer(env, 'PYHOST_UID_BASE', 10000, 1000, 2 ** 31 - 2 ** 20);
  return Object.freeze({
    dataDir,
    apiSocket: path.resolve(cwd, env.PYHOST_API_SOCKET || path.join(dataDir, 'api.sock')),
    domain: domainName(env),
    port: integer(env, 'PYHOST_PORT', 8080, 1, 65535),
    httpsPort: env.PYHOST_HTTPS_PORT ? integer(env, 'PYHOST_HTTPS_PORT', 443, 1, 65535) : null,
    host: env.PYHOST_HOST ?? '0.0.0.0',
    signup,
    admin: admin(env),
    maxUploadBytes: integer(env, 'PYHOST_MAX_UPLOAD_BYTES', 100 * 1024 * 1024, 1, 2 ** 40),
    uidBase,
    ingressUid: integer(env, 'PYHOST_INGRESS_UID', uidBase - 1, 1, uidBase - 1),
    trustedProxies: trustedProxies(env),
    router: routerSettings(env),
    logLevel: env.PYHOST_LOG_LEVEL ?? 'info',
    runtimeImage: runtimeImages(env)[DEFAULT_PYTHON_VERSION],
    runtimeImages: runtimeImages(env),
    dockerSocket: env.PYHOST_DOCKER_SOCKET ?? '/var/run/docker.sock',
    appLimits: Object.freeze({
      nanoCpus: Math.round(decimal(env, 'PYHOST_APP_CPUS', 1, 0.05, 64) * 1e9),
      pids: integer(env, 'PYHOST_APP_PIDS', 256, 16, 100_000),
      logMaxBytes: 20 * 1024 * 1024,
    }),
    passwordHashCost: integer(env, 'PYHOST_PASSWORD_HASH_COST', 17, 14, 20),
    reloadTimeoutMs: integer(env, 'PYHOST_RELOAD_TIMEOUT_SECONDS', 20, 1, 600) * 1000,
    consoleIdleMs: integer(env, 'PYHOST_CONSOLE_IDLE_MINUTES', 60, 1, 7 * 24 * 60) * 60_000,
    limits: Object.freeze({
      webapps: integer(env, 'PYHOST_LIMIT_WEBAPPS', 5, LIMIT_RANGES.webapps.min, LIMIT_RANGES.webapps.max),
      consoles: integer(env, 'PYHOST_CONSOLES_PER_USER', 5, LIMIT_RANGES.consoles.min, LIMIT_RANGES.consoles.max),
      workers: integer(env, 'PYHOST_LIMIT_WORKERS', 4, LIMIT_RANGES.workers.min, LIMIT_RANGES.workers.max),
      memory_mb: integer(env, 'PYHOST_APP_MEMORY_MB', 512, LIMIT_RANGES.memory_mb.min, LIMIT_RANGES.memory_mb.max),
      custom_domains: integer(env, 'PYHOST_LIMIT_CUSTOM_DOMAINS', 1, LIMIT_RANGES.custom_domains.min, LIMIT_RANGES.custom_domains.max),
      daily_cpu_seconds: integer(env, 'PYHOST_DAILY_CPU_SECONDS', 0, LIMIT_RANGES.daily_cpu_seconds.min, LIMIT_RANGES.daily_cpu_seconds.max),
      disk_mb: diskQuotaMb(env),
      sleep_after_seconds: sleepAfterSeconds(env),
      awake_webapps: integer(env, 'PYHOST_LIMIT_AWAKE_WEBAPPS', 0, LIMIT_RANGES.awake_webapps.min, LIMIT_RANGES.awake_webapps.max),
    }),
    wakeConcurrency: integer(env, 'PYHOST_WAKE_CONCURRENCY', Math.max(1, os.cpus().length), 1, 1000),
    maxAwakeWebapps: integer(env, 'PYHOST_MAX_AWAKE_WEBAPPS', 0, 0, 1_000_000),
    cpuSampleMs: integer(env, 'PYHOST_CPU_SAMPLE_SECONDS', 5, 1, 600) * 1000,
    dashboardDir: env.PYHOST_DASHBOARD_DIR ? path.resolve(cwd, env.PYHOST_DASHBOARD_DIR) : DEFAULT_DASHBOARD_DIR,
    tasks: Object.freeze({
      timeLimitMs: integer(env, 'PYHOST_TASK_TIME_LIMIT_MINUTES', 120, 1, 7 * 24 * 60) * 60_000,
      logMaxBytes: integer(env, 'PYHOST_TASK_LOG_MAX_MB', 10, 1, 10_000) * 1024 * 1024,
      tickMs: 1000,
      maxScheduled: integer(env, 'PYHOST_LIMIT_SCHEDULED_TASKS', 20, 0, 10_000),
      maxAlwaysOn: integer(env, 'PYHOST_LIMIT_ALWAYS_ON_TASKS', 2, 0, 1000),
    }),
    acme: acmeSettings(env, cwd),
    dns: dnsSettings(env),
    egress: egressSettings(env),
  });
}
