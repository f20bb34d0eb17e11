import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { ContainerRuntime } from '../../runtime/index.js';
import type { Stores } from '../../store/stores.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import type { WorkloadKeeper } from '../platform/reconciler.js';
import type { RestartBackoff } from '../platform/restart-backoff.js';
import { AlwaysOnKeeper } from './always-on-keeper.js';
import { AlwaysOnRunner } from './always-on-runner.js';
import { AlwaysOnService } from './always-on-service.js';
import { ScheduledRunKeeper } from './scheduled-run-keeper.js';
import { ScheduledRuns } from './scheduled-runs.js';
import { ScheduledTaskService } from './scheduled-task-service.js';
import { Scheduler } from './scheduler.js';
import { TaskLogReader } from './task-log-reader.js';

export interface TaskServices {
  readonly scheduled: ScheduledTaskService;
  readonly alwaysOn: AlwaysOnService;
  /** Tests drive it with tick(now) and their own clock. */
  readonly scheduler: Scheduler;
  /** Their logs, for the log viewer. */
  readonly logs: TaskLogReader;
  /** The app's clock, for next_run and uptimes. */
  readonly clock: () => number;
}

export interface TaskDeps {
  readonly config: Config;
  readonly instance: string;
  readonly stores: Stores;
  readonly runtime: ContainerRuntime;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly backoff: RestartBackoff;
  readonly clock: () => number;
  readonly log: FastifyBaseLogger;
}

/** Scheduled and always-on tasks (docs/tasks.md): their services, and their two kinds for the reconciler. */
export function buildTasks(d: TaskDeps): { services: TaskServices; keepers: WorkloadKeeper[] } {
  const { config, stores, runtime, clock } = d;
  const log = d.log.child({ component: 'tasks' });
  const runs = new ScheduledRuns({ config, instance: d.instance, runtime, runs: stores.taskRuns, users: stores.users, limits: d.limits, clock, log });
  const scheduler = new Scheduler({
    tasks: stores.scheduledTasks, runs: stores.taskRuns, users: stores.users, scheduled: runs, clock, tickMs: config.tasks.tickMs, timeLimitMs: config.tasks.timeLimitMs, log,
  });
  const runner = new AlwaysOnRunner({ config, instance: d.instance, runtime, users: stores.users, limits: d.limits, clock, log });
  return {
    services: {
      scheduled: new ScheduledTaskService({ tasks: stores.scheduledTasks, runs: stores.taskRuns, scheduled: runs, clock, maxPerUser: config.tasks.maxScheduled }),
      alwaysOn: new AlwaysOnService({ store: stores.alwaysOn, users: stores.users, runner, backoff: d.backoff, clock, maxPerUser: config.tasks.maxAlwaysOn }),
      scheduler,
      logs: new TaskLogReader(config),
      clock,
    },
    keepers: [new ScheduledRunKeeper(stores.taskRuns, stores.users, runs, runtime), new AlwaysOnKeeper(stores.alwaysOn, stores.users, runner, runtime)],
  };
}
