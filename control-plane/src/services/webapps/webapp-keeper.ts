import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { generationRunDir, uidFor } from '../../domain/layout.js';
import type { DesiredWorkload } from '../../domain/reconcile-plan.js';
import { removeTree } from '../../lib/beneath.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import type { ManagedContainer, RuntimeEvent } from '../../runtime/index.js';
import type { UsersStore } from '../../store/users-store.js';
import type { WebappRow, WebappsStore } from '../../store/webapps-store.js';
import type { CrashCause, WorkloadKeeper } from '../platform/reconciler.js';
import { appendAppLog, errorLogPath, logTail } from './app-logs.js';
import type { WebappDeployer } from './webapp-deployer.js';
import type { WebappHealth } from './webapp-health.js';
import type { WebappService } from './webapp-service.js';

// The line the gateway writes last before it exits after a crash loop
// (docs/runtime-contract.md, "Exit statuses"), after the log's timestamp.
const GATEWAY_GAVE_UP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: restart failed: (.+)$/;
const GATEWAY_ADVICE = /\.?\s*Fix the cause, then Reload\.\s*$/;
/** The app's own stderr shares the log: a line that merely looks like the gateway's is kept short. */
const MAX_GATEWAY_CHARS = 400;

/**
 * Why an app whose gateway ended a crash loop is crashed, for the Web tab:
 * the gateway's own words from the end of the error log when they are there
 * (the router may have appended after them), and where to look.
 */
export function crashLoopReason(domain: string, errorLogTail: string): string {
  const said = errorLogTail
    .split('\n')
    .reverse()
    .map((line) => GATEWAY_GAVE_UP.exec(line.trimEnd())?.[1])
    .find((s) => s !== undefined)
    ?.replace(GATEWAY_ADVICE, '')
    .slice(0, MAX_GATEWAY_CHARS);
  const what = said ? `: ${said}` : '; Pyhost stopped restarting it';
  return `the app's server kept dying soon after it started${what}. See /var/log/${domain}.error.log for why; fix the cause, then Reload.`;
}

export interface WebappKeeperDeps {
  readonly config: Config;
  readonly store: WebappsStore;
  readonly users: UsersStore;
  readonly service: WebappService;
  readonly deployer: WebappDeployer;
  readonly health: WebappHealth;
  readonly locks: KeyedLock;
  readonly log: FastifyBaseLogger;
}

/** The web-app kind, for the reconciler: every enabled app has its active container running. */
export class WebappKeeper implements WorkloadKeeper {
  readonly kind = 'webapp' as const;

  constructor(private readonly deps: WebappKeeperDeps) {}

  /**
   * An enabled app of a disabled account is not wanted: it stays enabled, to
   * run again when the account is. Nor is a sleeping one: it has no container
   * until a request wakes it (app-sleep.ts).
   */
  desired(): DesiredWorkload[] {
    const disabled = this.deps.users.disabledIds();
    return this.deps.store.all().map((a) => ({
      kind: 'webapp',
      id: a.id,
      enabled: a.enabled === 1 && !disabled.has(a.user_id) && a.sleeping_since === null,
      activeGeneration: a.active_generation,
      crashed: a.crashed_reason !== null,
    }));
  }

  isBusy(id: number): boolean {
    return this.deps.locks.isBusy(id);
  }

  start(id: number): Promise<void> {
    return this.deps.service.restart(id);
  }

  async remove(c: ManagedContainer): Promise<void> {
    const id = c.labels.workload!;
    await this.deps.locks.run(id, () => {
      const app = this.deps.store.byId(id);
      const ownerDisabled = app !== undefined && this.deps.users.byId(app.user_id)?.disabled_at != null;
      return this.deps.deployer.removeIfUnwanted(ownerDisabled ? undefined : app, c);
    });
  }

  noteDown(event: RuntimeEvent): void {
    if (event.labels.workload !== null && event.labels.generation !== null) this.deps.health.noteDown(event.labels.workload, event.labels.generation);
  }

  /**
   * Crashed until the next reload: after the gateway's own crash loop
   * (EXIT_CRASH_LOOP: starting the container again would only repeat it),
   * or after the reconciler restarted the container too often.
   */
  async markCrashed(id: number, why: CrashCause): Promise<void> {
    const { store, users, config, log } = this.deps;
    await this.deps.locks.run(id, async () => {
      const app = store.byId(id);
      if (!app || !app.enabled || app.crashed_reason !== null) return;
      // A reload or a change of settings may have replaced that container since the plan was made.
      if (why.cause === 'crash-loop' && app.active_generation !== why.generation) return;
      const owner = users.byId(app.user_id);
      const errorLog = owner ? errorLogPath(config.dataDir, owner.username, app.domain_name) : null;
      let reason: string;
      if (why.cause === 'crash-loop') {
        // The gateway wrote its reason to the error log before it exited (read through the safe helper: the folder is the user's).
        reason = crashLoopReason(app.domain_name, errorLog ? await logTail(errorLog).catch(() => '') : '');
      } else {
        reason = `the app's server stopped ${why.restarts} times in a row${why.exitCode !== null ? ` (last exit code ${why.exitCode})` : ''}; Pyhost stopped restarting it. Fix the cause, then Reload.`;
        // The log line first: whoever sees the state "crashed" can then read why.
        const logOwner = owner && process.getuid?.() === 0 ? { uid: uidFor(config.uidBase, owner.id), gid: config.ingressUid } : null;
        if (errorLog) await appendAppLog(errorLog, reason, logOwner).catch(() => undefined);
      }
      store.setCrashed(id, reason);
      log.warn({ webapp: app.domain_name, cause: why.cause }, 'the app is crashed until its next reload');
    });
  }

  async afterPass(containers: readonly ManagedContainer[]): Promise<void> {
    const apps = this.deps.store.all();
    await this.sweepRunDirs(apps, containers);
    // Running containers whose state this process has not seen yet (after a restart of the api).
    const disabled = this.deps.users.disabledIds();
    for (const app of apps) {
      if (disabled.has(app.user_id)) continue;
      const active = containers.some((c) => c.labels.workload === app.id && c.labels.generation === app.active_generation && c.state === 'running');
      if (app.enabled && active) await this.deps.health.adopt(app, generationRunDir(this.deps.config.dataDir, app.id, app.active_generation));
    }
  }

  /**
   * Removes run directories that no container uses: left when the api died
   * between making one and starting its container, or for deleted apps.
   */
  private async sweepRunDirs(apps: readonly WebappRow[], containers: readonly ManagedContainer[]): Promise<void> {
    const root = path.join(this.deps.config.dataDir, 'run');
    for (const name of await fsp.readdir(root).catch(() => [] as string[])) {
      const id = Number(name);
      const known = apps.find((a) => a.id === id);
      const seen = containers.filter((c) => c.labels.workload === id).map((c) => `g${c.labels.generation}`);
      const dirs = known ? await fsp.readdir(path.join(root, name)).catch(() => [] as string[]) : [];
      const looksStray = known ? dirs.some((d) => d !== `g${known.active_generation}` && !seen.includes(d)) : seen.length === 0;
      if (!looksStray) continue;
      // Check again under the app's lock: an operation may be making a new generation right now.
      await this.deps.locks.runIfIdle(id, async () => {
        const app = this.deps.store.byId(id);
        const live = (await this.deps.deployer.containersOf(id)).map((c) => `g${c.labels.generation}`);
        if (!app) {
          if (live.length === 0) await removeTree(path.join(root, name));
          return;
        }
        const keep = new Set([`g${app.active_generation}`, ...live]);
        for (const dir of await fsp.readdir(path.join(root, name)).catch(() => [] as string[])) {
          if (!keep.has(dir)) await removeTree(path.join(root, name, dir));
        }
      });
    }
  }
}
