import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { checkCommand, checkDescription } from '../../domain/schedule-rules.js';
import type { AlwaysOnFields, AlwaysOnRow, AlwaysOnStore } from '../../store/always-on-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import { RestartBackoff, workloadKey } from '../platform/restart-backoff.js';
import type { AlwaysOnRunner } from './always-on-runner.js';

export type AlwaysOnState = 'starting' | 'running' | 'restarting' | 'stopped' | 'crashed';

export interface AlwaysOnInput {
  readonly command?: string;
  readonly description?: string;
  readonly enabled?: boolean;
}

export interface AlwaysOnServiceDeps {
  readonly store: AlwaysOnStore;
  readonly users: UsersStore;
  readonly runner: AlwaysOnRunner;
  readonly backoff: RestartBackoff;
  readonly clock: () => number;
  readonly maxPerUser: number;
}

export interface AlwaysOnNow {
  readonly state: AlwaysOnState;
  readonly reason: string | null;
  readonly startedAt: string | null;
  readonly restarts: number;
  readonly lastExitCode: number | null;
}

/** The use cases of always-on tasks; the reconciler keeps them running (always-on-keeper.ts). */
export class AlwaysOnService {
  constructor(private readonly deps: AlwaysOnServiceDeps) {}

  list(owner: UserRow): AlwaysOnRow[] {
    return this.deps.store.forUser(owner.id);
  }

  get(owner: UserRow, id: number): AlwaysOnRow {
    const row = this.deps.store.byId(id);
    if (!row || row.user_id !== owner.id) throw new NotFoundError(`no always-on task ${id}`);
    return row;
  }

  /** Created and started at once (unless created disabled). */
  async create(owner: UserRow, input: AlwaysOnInput): Promise<AlwaysOnRow> {
    const fields = this.fieldsFrom(null, input);
    const max = this.deps.maxPerUser;
    if (this.deps.store.countForUser(owner.id) >= max) {
      throw new ConflictError(`You can have at most ${max} always-on task${max === 1 ? '' : 's'} (limit always_on_tasks); delete one first, or ask an administrator for more.`);
    }
    const row = this.deps.store.insert(owner.id, fields, new Date(this.deps.clock()).toISOString());
    await this.converge(owner, row, 'started');
    return this.deps.store.byId(row.id)!;
  }

  /** New settings are a new generation: the task restarts with them (or stops, when disabled). */
  async update(owner: UserRow, id: number, input: AlwaysOnInput, why = 'restarted with new settings'): Promise<AlwaysOnRow> {
    const row = this.get(owner, id);
    const next = this.deps.store.update(row.id, this.fieldsFrom(row, input));
    await this.converge(owner, next, why);
    return this.deps.store.byId(row.id)!;
  }

  /** restart/: a fresh start, the crash loop and the restart count forgotten. */
  async restart(owner: UserRow, id: number): Promise<AlwaysOnRow> {
    return this.update(owner, id, {}, 'restarted on request');
  }

  async setEnabled(owner: UserRow, id: number, enabled: boolean): Promise<AlwaysOnRow> {
    return this.update(owner, id, { enabled }, 'started on request');
  }

  async remove(owner: UserRow, id: number): Promise<void> {
    const row = this.get(owner, id);
    await this.deps.runner.locks.run(row.id, async () => {
      await this.deps.runner.stop(row, 'stopped: the task was deleted');
      this.deps.store.remove(row.id);
    });
    this.deps.runner.forget(row.id);
    this.deps.backoff.reset(workloadKey('always_on', row.id));
  }

  /** What the task is doing now, from its row and what the reconciler last saw. */
  now(row: AlwaysOnRow, owner: UserRow): AlwaysOnNow {
    const s = this.deps.runner.statusOf(row.id);
    const base = { restarts: s.restarts, lastExitCode: s.lastExitCode, startedAt: null };
    if (row.enabled === 0) return { ...base, state: 'stopped', reason: 'stopped by its owner (start it again with start/)' };
    if (owner.disabled_at !== null) return { ...base, state: 'stopped', reason: 'the account is disabled' };
    if (row.crashed_reason !== null) return { ...base, state: 'crashed', reason: row.crashed_reason };
    if (s.container?.state === 'running' && s.container.labels.generation === row.generation) {
      return { ...base, state: 'running', reason: null, startedAt: s.container.startedAt };
    }
    if (this.deps.runner.locks.isBusy(row.id) || s.lastExitCode === null) return { ...base, state: 'starting', reason: null };
    const wait = Math.ceil(this.deps.backoff.waitMs(workloadKey('always_on', row.id)) / 1000);
    return { ...base, state: 'restarting', reason: `exited with code ${s.lastExitCode}; restarting${wait > 0 ? ` in ${wait} s` : ''}` };
  }

  private fieldsFrom(row: AlwaysOnRow | null, input: AlwaysOnInput): AlwaysOnFields {
    const command = input.command !== undefined ? checkCommand(input.command) : row?.command;
    if (command === undefined) throw new ValidationError('command is required', 'command');
    return {
      command,
      description: input.description !== undefined ? checkDescription(input.description) : (row?.description ?? ''),
      enabled: input.enabled ?? (row === null ? true : row.enabled === 1),
    };
  }

  /** Starts or stops the task's container to match its row, under its lock; a person's start resets the backoff. */
  private async converge(owner: UserRow, row: AlwaysOnRow, why: string): Promise<void> {
    this.deps.backoff.reset(workloadKey('always_on', row.id));
    const status = this.deps.runner.statusOf(row.id);
    status.restarts = 0;
    status.lastExitCode = null;
    await this.deps.runner.locks.run(row.id, async () => {
      if (row.enabled === 1 && owner.disabled_at === null) await this.deps.runner.start(row, why);
      else await this.deps.runner.stop(row, row.enabled === 0 ? 'stopped on request' : 'stopped: the account is disabled');
    });
  }
}
