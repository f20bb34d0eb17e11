import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { UnavailableError } from '../../domain/errors.js';
import { uidFor, websiteGenerationRunDir, websiteRunDir } from '../../domain/layout.js';
import { removeTree } from '../../lib/beneath.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { MODE, ensureDir, ensureRunDir } from '../../lib/platform-dirs.js';
import { RuntimeError, gateway, type ContainerRuntime, type ManagedContainer } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebsiteRow, WebsitesStore } from '../../store/websites-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { identityFiles } from '../consoles/shell-workload.js';
import { logTail } from '../webapps/app-logs.js';
import { websiteWorkload } from './website-workload.js';

const STOP_GRACE_SECONDS = 10;
const POLL_MS = 100;
/**
 * How long the old server keeps its socket after the switch: the router
 * reads the new route table within well under a second, and a server that
 * gets SIGTERM closes its socket at once (unlike the gateway, which drains).
 */
const ROUTE_SETTLE_MS = 1000;

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
    let container: ManagedContainer;
    try {
      const etc = await identityFiles(config, owner);
      container = await this.engine(() => this.deps.runtime.start(websiteWorkload(config, this.deps.instance, owner, etc, site, generation, this.deps.limits.of(owner).memory_mb)));
    } catch (err) {
      await removeTree(runDir);
      throw err;
    }
    const failure = await this.waitForListen(container.id, runDir);
    if (failure === null) {
      store.setActive(site.id, generation);
      this.deps.log.info({ website: site.domain_name, generation }, 'website serves');
      if (old.length > 0) await new Promise((resolve) => setTimeout(resolve, ROUTE_SETTLE_MS));
      await this.retire(old);
      return { ok: true };
    }
    await this.retire([container]);
    store.setLastError(site.id, failure);
    const tail = await logTail(path.join(config.dataDir, 'users', owner.username, 'log', `${site.domain_name}.error.log`)).catch(() => '');
    const kept = site.active_generation > 0 && old.some((c) => c.labels.generation === site.active_generation && c.state === 'running');
    return { ok: false, message: `${failure}${kept ? '. The previous version keeps serving.' : ''}`, logTail: tail };
  }

  /** null once the socket answers HTTP (any status); otherwise why it never will. */
  private async waitForListen(containerId: string, runDir: string): Promise<string | null> {
    const timeoutMs = this.deps.config.reloadTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await gateway.probe(runDir, 1000)) return null;
      const c = await this.engine(() => this.deps.runtime.inspect(containerId));
      if (!c || c.state !== 'running') {
        return `the command exited (status ${c?.exitCode ?? 'unknown'}) before it listened on $DOMAIN_SOCKET; see the error and server logs`;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return `the command did not listen on $DOMAIN_SOCKET (an HTTP server on the unix socket it names) within ${Math.round(timeoutMs / 1000)} s; see the error and server logs`;
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

  async retire(containers: readonly ManagedContainer[]): Promise<void> {
    await Promise.all(
      containers.map(async (c) => {
        await this.engine(() => this.deps.runtime.stop(c.id, STOP_GRACE_SECONDS));
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

  private async engine<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'unavailable') throw new UnavailableError('the container engine is not answering; try again in a moment');
      if (err instanceof RuntimeError && err.code === 'image_not_found') throw new UnavailableError(`the runtime image ${this.deps.config.runtimeImage} is missing; the administrator should run scripts/setup.sh`);
      throw err;
    }
  }
}
