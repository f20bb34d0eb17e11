import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { UnavailableError } from '../../domain/errors.js';
import { uidFor, websiteGenerationRunDir, websiteRunDir } from '../../domain/layout.js';
import { listenFailure, listeningTcpPorts, startLineBytes } from '../../domain/website-listen.js';
import { lstatEntry, removeTree, withDir } from '../../lib/beneath.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { MODE, ensureDir, ensureRunDir } from '../../lib/platform-dirs.js';
import { RuntimeError, gateway, type ContainerRuntime, type ManagedContainer } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebsiteRow, WebsitesStore } from '../../store/websites-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { identityFiles } from '../consoles/shell-workload.js';
import { rotateTaskLogIfBig } from '../tasks/task-log-file.js';
import { errorLogPath, logTail } from '../webapps/app-logs.js';
import { websiteWorkload } from './website-workload.js';

const STOP_GRACE_SECONDS = 10;
const POLL_MS = 100;
const TCP_PROBE_MS = 3000;
/** How long a server may listen on TCP without making $DOMAIN_SOCKET before its start fails for that. */
const TCP_CHECK_AFTER_MS = 3000;
/** Past this a website's server or error log is rotated: the gateway's size for a web app's (runtime-image/gateway/pyhost_gateway/config.py). */
export const WEBSITE_LOG_MAX_BYTES = 10 * 1024 * 1024;
/**
 * How long the old server keeps its socket after the switch: the router
 * reads the new route table within well under a second, and a server that
 * gets SIGTERM closes its socket at once (unlike the gateway, which drains).
 */
const ROUTE_SETTLE_MS = 1000;

/** Bytes in the server and error logs, to tell afterwards whether the command printed anything. */
interface OutputSizes {
  readonly server: number;
  readonly error: number;
}

export type WebsiteOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly logTail: string };

export interface WebsiteRunnerDeps {
  readonly config: Config;
  readonly instance: string;
  readonly store: WebsitesStore;
  readonly runtime: ContainerRuntime;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly log: FastifyBaseLogger;
}

/**
 * Runs websites' containers. Every start is side by side: a new generation
 * on its own socket, the route switched once that socket answers HTTP, the
 * old container retired after; a new one that does not answer is removed
 * and whatever served keeps serving. Call under the website's lock (locks),
 * which the reconciler respects.
 */
export class WebsiteRunner {
  readonly locks = new KeyedLock();

  constructor(private readonly deps: WebsiteRunnerDeps) {}

  async replace(owner: UserRow, site: WebsiteRow): Promise<WebsiteOutcome> {
    const { config, store } = this.deps;
    const old = await this.containersOf(site.id);
    const generation = store.allocateGeneration(site.id);
    const runDir = this.prepareRunDir(owner, site.id, generation);
    const printedBefore = await this.outputSizes(owner, site.domain_name);
    let container: ManagedContainer;
    try {
      const etc = await identityFiles(config, owner);
      const spec = websiteWorkload(config, this.deps.instance, owner, etc, site, generation, this.deps.limits.of(owner).memory_mb);
      container = await this.engine(() => this.deps.runtime.start(spec), spec.image);
    } catch (err) {
      await removeTree(runDir);
      throw err;
    }
    const failure = await this.waitForListen(container, runDir, owner, site, printedBefore);
    if (failure === null) {
      store.setActive(site.id, generation);
      this.deps.log.info({ website: site.domain_name, generation }, 'website serves');
      if (old.length > 0) await new Promise((resolve) => setTimeout(resolve, ROUTE_SETTLE_MS));
      await this.retire(old);
      return { ok: true };
    }
    await this.retire([container], 0);
    store.setLastError(site.id, failure);
    const tail = await logTail(errorLogPath(config.dataDir, owner.username, site.domain_name)).catch(() => '');
    const kept = site.active_generation > 0 && old.some((c) => c.labels.generation === site.active_generation && c.state === 'running');
    return { ok: false, message: `${failure}${kept ? '. The previous version keeps serving.' : ''}`, logTail: tail };
  }

  /** null once the socket answers HTTP (any status); otherwise why it never will (domain/website-listen.ts). */
  private async waitForListen(container: ManagedContainer, runDir: string, owner: UserRow, site: WebsiteRow, before: OutputSizes): Promise<string | null> {
    const timeoutMs = this.deps.config.reloadTimeoutMs;
    const started = Date.now();
    const deadline = started + timeoutMs;
    const quit = (c: ManagedContainer | null) => {
      const ranMs = c?.startedAt && c.finishedAt ? Date.parse(c.finishedAt) - Date.parse(c.startedAt) : Date.now() - started;
      return { code: c?.exitCode ?? null, afterMs: Math.max(0, ranMs) };
    };
    const socketExists = async () => (await fsp.lstat(path.join(runDir, 'app.sock')).catch(() => null))?.isSocket() ?? false;
    let nextTcpCheck = started + TCP_CHECK_AFTER_MS;
    while (Date.now() < deadline) {
      if (await gateway.probe(runDir, 1000)) return null;
      const c = await this.engine(() => this.deps.runtime.inspect(container.id));
      if (!c || c.state !== 'running') return listenFailure({ exited: quit(c), tcpPorts: [], socketExists: false, printed: true, timeoutMs });
      // A server that listens on TCP and made no socket will not make one:
      // say so now rather than at the deadline.
      if (Date.now() >= nextTcpCheck) {
        nextTcpCheck = Date.now() + TCP_CHECK_AFTER_MS;
        const tcpPorts = (await socketExists()) ? [] : await this.tcpPorts(container.id);
        if (tcpPorts.length > 0) return listenFailure({ exited: null, tcpPorts, socketExists: false, printed: true, timeoutMs });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const c = await this.engine(() => this.deps.runtime.inspect(container.id));
    const exited = !c || c.state !== 'running' ? quit(c) : null;
    const after = await this.outputSizes(owner, site.domain_name);
    return listenFailure({
      exited,
      tcpPorts: exited ? [] : await this.tcpPorts(container.id),
      socketExists: await socketExists(),
      // A log that shrank was rotated: something was written.
      printed: after.error !== before.error || after.server - before.server > startLineBytes(site.command) || after.server < before.server,
      timeoutMs,
    });
  }

  /** The TCP ports the container listens on, read as the user inside it; none when it cannot be asked. */
  private async tcpPorts(containerId: string): Promise<number[]> {
    const read = await this.deps.runtime.execOnce(containerId, ['cat', '/proc/net/tcp', '/proc/net/tcp6'], TCP_PROBE_MS).catch(() => null);
    return read ? listeningTcpPorts(read.output) : [];
  }

  /** The log folder is the user's: reached without following a link, each log lstat'ed, never opened. */
  private async outputSizes(owner: UserRow, domain: string): Promise<OutputSizes> {
    const sizeOf = async (kind: string) =>
      withDir(path.join(this.deps.config.dataDir, 'users'), [owner.username, 'log'], async (dir) => (await lstatEntry(dir, `${domain}.${kind}.log`))?.size ?? 0).catch(() => 0);
    return { server: await sizeOf('server'), error: await sizeOf('error') };
  }

  /**
   * The server and error logs rotated as a web app's are (x.log.1, then
   * x.log.2.gz … .5.gz), with the task logs' rotation: the container's
   * shell holds them open for appending, so each is copied and emptied in
   * place, never followed through a link.
   */
  async rotateLogsIfBig(owner: UserRow, site: WebsiteRow): Promise<void> {
    const { dataDir, uidBase } = this.deps.config;
    for (const kind of ['server', 'error']) {
      const target = { dataDir, username: owner.username, uid: uidFor(uidBase, owner.id), name: `${site.domain_name}.${kind}.log` };
      await rotateTaskLogIfBig(target, WEBSITE_LOG_MAX_BYTES, true).catch((err: unknown) => this.deps.log.warn({ err, website: site.domain_name }, 'could not rotate a website log'));
    }
  }

  /** Stops and removes every container of the website, and (with `everything`) its run folders. */
  async stopAll(siteId: number, options: { everything?: boolean } = {}): Promise<void> {
    await this.retire(await this.containersOf(siteId));
    if (options.everything) await removeTree(websiteRunDir(this.deps.config.dataDir, siteId));
  }

  async containersOf(siteId: number): Promise<ManagedContainer[]> {
    const all = await this.engine(() => this.deps.runtime.list(this.deps.instance));
    return all.filter((c) => c.labels.kind === 'website' && c.labels.workload === siteId);
  }

  /** Whether the active generation's container runs. */
  async activeIsRunning(site: WebsiteRow): Promise<boolean> {
    return (await this.containersOf(site.id)).some((c) => c.labels.generation === site.active_generation && c.state === 'running');
  }

  /** Stops and removes these containers and their run folders; graceSeconds for requests in flight (none for a server that never served). */
  async retire(containers: readonly ManagedContainer[], graceSeconds = STOP_GRACE_SECONDS): Promise<void> {
    await Promise.all(
      containers.map(async (c) => {
        await this.engine(() => this.deps.runtime.stop(c.id, graceSeconds));
        await this.engine(() => this.deps.runtime.remove(c.id));
        if (c.labels.workload !== null && c.labels.generation !== null) {
          await removeTree(websiteGenerationRunDir(this.deps.config.dataDir, c.labels.workload, c.labels.generation));
        }
      }),
    );
  }

  private prepareRunDir(owner: UserRow, siteId: number, generation: number): string {
    const { dataDir, uidBase, ingressUid } = this.deps.config;
    ensureDir(path.join(dataDir, 'run-websites'), 0, ingressUid, MODE.platform);
    const runDir = websiteGenerationRunDir(dataDir, siteId, generation);
    ensureRunDir(websiteRunDir(dataDir, siteId), runDir, uidFor(uidBase, owner.id), ingressUid);
    return runDir;
  }

  /** Maps the engine's failures to what a user can act on; `image`: the one a start needs (its Python's, runtimeImageFor). */
  private async engine<T>(work: () => Promise<T>, image = this.deps.config.runtimeImage): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'unavailable') throw new UnavailableError('the container engine is not answering; try again in a moment');
      if (err instanceof RuntimeError && err.code === 'image_not_found') throw new UnavailableError(`the runtime image ${image} is missing; the administrator should run scripts/setup.sh`);
      throw err;
    }
  }
}
