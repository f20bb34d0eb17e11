import fs from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import {
  CONNECTION_LEVELS, DEFAULT_SECONDS_PER_LEVEL, MAX_SECONDS_PER_LEVEL, candidates, judgeLevel, pathProblem, summary, winner,
  type Candidate, type ServerResult,
} from '../../domain/compare-servers.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { removeTree } from '../../lib/beneath.js';
import { ensureDir } from '../../lib/platform-dirs.js';
import { gateway, type ContainerRuntime, type ManagedContainer } from '../../runtime/index.js';
import type { CompareRunRow, CompareRunsStore } from '../../store/compare-runs-store.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { candidateWorkload, compareRoot, runDirs } from './compare-workload.js';
import { measureLevels, type RunRouter } from './load-runner.js';
import { copyProject, hasManagePy, hasSqliteFiles, homeSegments } from './project-copy.js';

export interface CompareOptions {
  /** Seconds of load per connection level (tests shorten it); at most MAX_SECONDS_PER_LEVEL. */
  readonly secondsPerLevel?: number;
  /** How long a candidate may take to answer at all. */
  readonly startTimeoutMs?: number;
}

export interface CompareDeps {
  readonly config: Config;
  readonly instance: string;
  readonly store: CompareRunsStore;
  readonly runtime: ContainerRuntime;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly log: FastifyBaseLogger;
  /** A router of the run's own on loopback (ingress/measuring-router.ts). */
  readonly startRouter: () => Promise<RunRouter>;
  readonly options?: CompareOptions;
}

interface Plan {
  readonly candidates: Candidate[];
  readonly djangoDir: string | null;
  /** The project folder (as the user sees it) that is copied; null when nothing is. */
  readonly copied: string | null;
}

const RUN_DIR_MODE = 0o2750;
const WARM_UP_S = 1;

/**
 * Compare servers (docs/compare-servers.md): runs a web app, as it is,
 * under each candidate server in a temporary container beside the live
 * one, measures each in turn through a router of the run's own, keeps the
 * results. One run at a time on the instance (the measurements would
 * compete for the CPUs), so one per user too; a run takes well under a
 * minute, and its containers go whatever happens (the reconciler removes
 * any left behind by a control plane that died mid-run).
 */
export class CompareService {
  private readonly active = new Map<number, { userId: number; done: Promise<void> }>();

  constructor(private readonly deps: CompareDeps) {}

  private get secondsDefault(): number {
    return Math.min(this.deps.options?.secondsPerLevel ?? DEFAULT_SECONDS_PER_LEVEL, MAX_SECONDS_PER_LEVEL);
  }

  /** Starts a run and answers at once; the run goes on in the background. */
  start(owner: UserRow, app: WebappRow, input: { path?: string; seconds?: number }): CompareRunRow {
    const urlPath = input.path ?? '/';
    const problem = pathProblem(urlPath);
    if (problem !== null) throw new ValidationError(problem, 'path');
    const seconds = input.seconds ?? this.secondsDefault;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SECONDS_PER_LEVEL) {
      throw new ValidationError(`seconds must be a whole number from 1 to ${MAX_SECONDS_PER_LEVEL}`, 'seconds');
    }
    if ([...this.active.values()].some((a) => a.userId === owner.id)) {
      throw new ConflictError('a comparison of your servers is already running; it takes under a minute, then start another');
    }
    if (this.active.size > 0) {
      throw new ConflictError("another user's comparison is running on this instance (one at a time, so that they do not compete for the CPUs); try again in a minute");
    }
    const plan = this.plan(owner, app);
    const run = this.deps.store.insert({ webapp_id: app.id, user_id: owner.id, path: urlPath, seconds, current_server: app.server });
    const done = this.execute(owner, app, run, plan).finally(() => this.active.delete(run.id));
    this.active.set(run.id, { userId: owner.id, done });
    return run;
  }

  list(app: WebappRow): CompareRunRow[] {
    return this.deps.store.ofWebapp(app.id);
  }

  get(app: WebappRow, id: number): CompareRunRow {
    const run = this.deps.store.byId(id);
    if (run === undefined || run.webapp_id !== app.id) throw new NotFoundError('no such comparison');
    return run;
  }

  /** Whether a run is under way in this process (its containers are wanted). */
  isActive(runId: number): boolean {
    return this.active.has(runId);
  }

  activeRunIds(): number[] {
    return [...this.active.keys()];
  }

  /**
   * At start-up: runs recorded as running were cut off by a stop of the
   * control plane; they failed, and their folders go (their containers are
   * orphans to the reconciler).
   */
  async recoverInterrupted(): Promise<void> {
    for (const run of this.deps.store.allRunning()) {
      if (!this.active.has(run.id)) this.deps.store.fail(run.id, 'interrupted: the control plane stopped during the run');
    }
    const root = compareRoot(this.deps.config.dataDir);
    for (const name of fs.existsSync(root) ? fs.readdirSync(root) : []) {
      if (!this.active.has(Number(name))) await removeTree(`${root}/${name}`);
    }
  }

  /** Resolves when every run under way has ended (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private plan(owner: UserRow, app: WebappRow): Plan {
    const home = `/home/${owner.username}`;
    const homeHost = userDirs(this.deps.config.dataDir, owner.username).home;
    const source = app.source_directory ?? home;
    const folders = [...new Set([app.working_directory ?? source, source])];
    const withSegments = folders.map((f) => ({ folder: f, segments: homeSegments(owner.username, f) })).filter((f) => f.segments !== null);
    const django = withSegments.find((f) => hasManagePy(homeHost, f.segments!));
    const copied = [django, ...withSegments].find((f) => f !== undefined && hasSqliteFiles(homeHost, f.segments!));
    return { candidates: candidates(django !== undefined), djangoDir: django?.folder ?? null, copied: copied?.folder ?? null };
  }

  private async execute(owner: UserRow, app: WebappRow, run: CompareRunRow, plan: Plan): Promise<void> {
    const log = this.deps.log.child({ user: owner.username, webapp: app.domain_name, compare: run.id });
    const started: ManagedContainer[] = [];
    let router: RunRouter | null = null;
    let outcome: { results: ServerResult[] } | { error: string };
    try {
      const starting = await this.prepare(owner, app, run, plan, started);
      router = await this.deps.startRouter();
      const results: ServerResult[] = [];
      for (const [i, candidate] of plan.candidates.entries()) {
        const startError = await starting[i]!;
        const result = { server: candidate.server, label: candidate.label, production: candidate.production, startError, levels: [] as ServerResult['levels'][number][] };
        results.push(result);
        if (startError === null) await this.measureOne(router, owner, app, run, candidate, result, results);
        this.deps.store.setResults(run.id, results);
      }
      outcome = { results };
    } catch (err) {
      log.warn({ err }, 'comparing servers failed');
      outcome = { error: err instanceof Error ? err.message : String(err) };
    } finally {
      await router?.close().catch(() => {});
      await Promise.all(started.map((c) => this.deps.runtime.remove(c.id).catch((err: unknown) => log.warn({ err }, 'could not remove a compare container'))));
      await removeTree(runDirs(this.deps.config.dataDir, run.id).root).catch(() => {});
    }
    // Recorded once nothing of the run is left: a finished run has no containers.
    if ('error' in outcome) {
      this.deps.store.fail(run.id, outcome.error);
      return;
    }
    const win = winner(outcome.results);
    this.deps.store.finish(run.id, { results: outcome.results, winner: win, summary: summary(outcome.results, app.server) });
    log.info({ winner: win }, 'servers compared');
  }

  /** Lays out the run's folders, copies the project when it must, starts every candidate; each start's outcome (null: it answers). */
  private async prepare(owner: UserRow, app: WebappRow, run: CompareRunRow, plan: Plan, started: ManagedContainer[]): Promise<Promise<string | null>[]> {
    const { config } = this.deps;
    const uid = uidFor(config.uidBase, owner.id);
    const dirs = runDirs(config.dataDir, run.id);
    ensureDir(compareRoot(config.dataDir), 0, 0, 0o700);
    ensureDir(dirs.root, 0, 0, 0o700);
    if (plan.copied !== null) {
      await copyProject(userDirs(config.dataDir, owner.username).home, homeSegments(owner.username, plan.copied)!, dirs.project, uid);
    }
    const memoryMb = this.deps.limits.of(owner).memory_mb;
    return plan.candidates.map(async (candidate) => {
      ensureDir(`${dirs.root}/${candidate.server}`, 0, 0, 0o700);
      ensureDir(dirs.run(candidate.server), uid, config.ingressUid, RUN_DIR_MODE);
      ensureDir(dirs.log(candidate.server), uid, uid, 0o700);
      const spec = candidateWorkload({ config, instance: this.deps.instance, user: owner, app, runId: run.id, candidate, memoryMb, copiedProject: plan.copied, djangoDir: plan.djangoDir });
      try {
        started.push(await this.deps.runtime.start(spec));
      } catch (err) {
        return `the container did not start: ${err instanceof Error ? err.message : String(err)}`;
      }
      const timeout = this.deps.options?.startTimeoutMs ?? config.reloadTimeoutMs;
      const answers = await gateway.waitUntilAnswers(dirs.run(candidate.server), timeout, app.domain_name);
      return answers ? null : `no answer within ${Math.round(timeout / 1000)} s (${startHint(candidate)})`;
    });
  }

  private async measureOne(router: RunRouter, owner: UserRow, app: WebappRow, run: CompareRunRow, candidate: Candidate, result: { levels: ServerResult['levels'][number][] }, all: ServerResult[]): Promise<void> {
    const { config } = this.deps;
    const dirs = runDirs(config.dataDir, run.id);
    router.routeTo({ domain: app.domain_name, username: owner.username, uid: uidFor(config.uidBase, owner.id), socketPath: `${dirs.run(candidate.server)}/${gateway.APP_SOCKET}`, logDir: dirs.log(candidate.server) });
    const levels = await measureLevels({ port: router.port, domain: app.domain_name, path: run.path, levels: CONNECTION_LEVELS, seconds: run.seconds, warmUpS: WARM_UP_S });
    result.levels.push(...levels.map(judgeLevel));
    this.deps.store.setResults(run.id, all);
  }
}

function startHint(c: Candidate): string {
  if (c.server === 'runserver') return 'manage.py runserver did not listen; does manage.py runserver work in a console?';
  if (c.server === 'devserver') return 'the WSGI file did not load under the development server';
  return 'the WSGI file did not load; see the error log';
}
