import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { TARPIT_NANO_CPUS, isCharged, isOverAllowance, nextResetMs, usageDelta, utcDay } from '../../domain/cpu-allowance.js';
import type { ContainerRuntime, CpuSample, WorkloadSpec } from '../../runtime/index.js';
import type { CpuUsageDelta, CpuUsageStore } from '../../store/cpu-usage-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { WebappReading, WebappUsageRing } from '../webapps/usage-ring.js';
import type { AccountLimits } from './account-limits.js';

/** Days of usage kept in the store; older rows go at the first sweep of a new day. */
const KEEP_DAYS = 31;
const DAY_MS = 86_400_000;

/** One account's CPU today, as the cpu/ endpoint and the dashboard show it. */
export interface CpuToday {
  /** The account's allowance in seconds; 0: no limit. */
  readonly allowanceSeconds: number;
  /** Consoles' and tasks' CPU today (UTC), in seconds. */
  readonly chargedSeconds: number;
  /** Web apps' and websites' CPU today, in seconds: reported, never charged. */
  readonly webappSeconds: number;
  /** The next 00:00 UTC (unix ms): the usage starts again from nothing. */
  readonly nextResetMs: number;
  /** Over the allowance: its consoles and tasks run at TARPIT_NANO_CPUS until the reset. */
  readonly inTarpit: boolean;
}

export interface CpuMeterDeps {
  readonly config: Pick<Config, 'cpuSampleMs' | 'appLimits'>;
  readonly instance: string;
  readonly runtime: Pick<ContainerRuntime, 'cpuSamples' | 'setNanoCpus'>;
  readonly usage: CpuUsageStore;
  readonly users: Pick<UsersStore, 'byUsername'>;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly clock: () => number;
  readonly log: FastifyBaseLogger;
  /** Where each web app's CPU and memory go for its Usage charts: the same readings, no second call to the engine. */
  readonly webappUsage?: Pick<WebappUsageRing, 'recordSweep'>;
}

/**
 * Counts each account's CPU time per UTC day and keeps its consoles and
 * tasks in the tarpit while it is over its allowance (docs/cpu-seconds.md).
 *
 * One sweep for all containers, every PYHOST_CPU_SAMPLE_SECONDS: each
 * running container's cumulative CPU counter is read once (the engine's
 * one-shot stats: the api has no view of the host's cgroups in compose),
 * and what it grew by since the last sweep is added to its user's row for
 * today. A container that exits between two sweeps loses at most one
 * interval of usage: by the time its 'die' event arrives its cgroup, and
 * the counter with it, is gone.
 *
 * The tarpit lowers a running container's CPU limit in place (never a
 * restart, never a kill); the first sweep of a new UTC day finds everyone
 * under their allowance again and gives the normal limit back. What this
 * process last set is remembered per container; after an api restart the
 * first sweep sets every charged container's limit once, so that one left
 * in the tarpit across a midnight the api missed is restored too.
 */
export class CpuMeter {
  /** Each running container's counter at the last sweep. */
  private readonly last = new Map<string, number>();
  /** The CPU limit this process knows each charged container has. */
  private readonly applied = new Map<string, number>();
  /** Containers created before this (whole seconds, as the engine says) may already be counted by the api before a restart. */
  private readonly since: number;
  private lastDay: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly d: CpuMeterDeps) {
    this.since = Math.floor(d.clock() / 1000) * 1000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweepQuietly(), this.d.config.cpuSampleMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /** One sweep: read every running container, add the deltas, move charged containers into or out of the tarpit. */
  async sweep(): Promise<void> {
    const now = this.d.clock();
    const day = utcDay(now);
    const samples = await this.d.runtime.cpuSamples(this.d.instance);
    this.record(day, samples, now);
    if (day !== this.lastDay) {
      this.d.usage.pruneBefore(utcDay(now - KEEP_DAYS * DAY_MS));
      this.lastDay = day;
    }
    await this.enforce(day, samples);
  }

  /** The account's CPU today. */
  today(user: UserRow): CpuToday {
    const now = this.d.clock();
    const row = this.d.usage.of(user.id, utcDay(now));
    const allowanceSeconds = this.d.limits.of(user).daily_cpu_seconds;
    return {
      allowanceSeconds,
      chargedSeconds: row.charged_usec / 1e6,
      webappSeconds: row.webapp_usec / 1e6,
      nextResetMs: nextResetMs(now),
      inTarpit: isOverAllowance(row.charged_usec, allowanceSeconds),
    };
  }

  /**
   * The spec a new container starts with: a charged kind of an account in
   * the tarpit starts there, so that a new console is no way around it.
   */
  specFor(spec: WorkloadSpec): WorkloadSpec {
    if (!isCharged(spec.kind)) return spec;
    const user = this.d.users.byUsername(spec.username);
    if (!user || !this.today(user).inTarpit) return spec;
    return { ...spec, limits: { ...spec.limits, nanoCpus: TARPIT_NANO_CPUS } };
  }

  /** A container just started with this CPU limit (the sweep need not set it again). */
  started(id: string, spec: WorkloadSpec): void {
    if (isCharged(spec.kind)) this.applied.set(id, spec.limits.nanoCpus);
  }

  private async sweepQuietly(): Promise<void> {
    if (this.sweeping) return; // a slow engine: the next tick reads what this one would have
    this.sweeping = this.sweep()
      .catch((err: unknown) => this.d.log.warn({ err }, 'CPU usage sweep failed; trying again at the next one'))
      .finally(() => {
        this.sweeping = null;
      });
    await this.sweeping;
  }

  private record(day: string, samples: readonly CpuSample[], now: number): void {
    const byUser = new Map<string, { chargedUsec: number; webappUsec: number }>();
    const running = new Set<string>();
    const webapps: WebappReading[] = [];
    for (const s of samples) {
      running.add(s.id);
      const previous = this.last.get(s.id) ?? (s.createdMs >= this.since ? 0 : s.usageUsec);
      this.last.set(s.id, s.usageUsec);
      const delta = usageDelta(previous, s.usageUsec);
      if (s.labels.kind === 'webapp' && s.labels.workload !== null) {
        webapps.push({ webappId: s.labels.workload, cpuUsec: delta, memoryBytes: s.memoryBytes });
      }
      if (delta === 0) continue;
      const sum = byUser.get(s.labels.user) ?? { chargedUsec: 0, webappUsec: 0 };
      if (isCharged(s.labels.kind)) sum.chargedUsec += delta;
      else sum.webappUsec += delta;
      byUser.set(s.labels.user, sum);
    }
    this.d.webappUsage?.recordSweep(now, webapps);
    for (const id of [...this.last.keys()]) {
      if (!running.has(id)) {
        this.last.delete(id);
        this.applied.delete(id);
      }
    }
    const deltas: CpuUsageDelta[] = [];
    for (const [username, sum] of byUser) {
      const user = this.d.users.byUsername(username);
      if (user) deltas.push({ userId: user.id, ...sum });
    }
    // Usage read just after midnight counts towards the new day: at most one interval's worth.
    if (deltas.length > 0) this.d.usage.add(day, deltas);
  }

  private async enforce(day: string, samples: readonly CpuSample[]): Promise<void> {
    const over = new Map<string, boolean>();
    const overAllowance = (username: string): boolean | null => {
      if (!over.has(username)) {
        const user = this.d.users.byUsername(username);
        if (!user) return null;
        over.set(username, isOverAllowance(this.d.usage.of(user.id, day).charged_usec, this.d.limits.of(user).daily_cpu_seconds));
      }
      return over.get(username) ?? null;
    };
    for (const s of samples) {
      if (!isCharged(s.labels.kind)) continue;
      const tarpit = overAllowance(s.labels.user);
      if (tarpit === null) continue;
      const wanted = tarpit ? TARPIT_NANO_CPUS : this.d.config.appLimits.nanoCpus;
      if (this.applied.get(s.id) === wanted) continue;
      await this.d.runtime.setNanoCpus(s.id, wanted);
      const known = this.applied.has(s.id);
      this.applied.set(s.id, wanted);
      if (known || tarpit) this.d.log.info({ user: s.labels.user, container: s.id, kind: s.labels.kind }, tarpit ? 'over the daily CPU allowance: slowed down until 00:00 UTC' : 'daily CPU allowance reset: normal CPU again');
    }
  }
}
