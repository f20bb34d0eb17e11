import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import {
  DEFAULT_EXECUTABLE,
  TERMINAL_ENV,
  consolePythonVersion,
  killArgv,
  launchArgv,
  splitArguments,
  validateExecutable,
} from '../../domain/console-rules.js';
import { ConflictError, NotFoundError, UnavailableError } from '../../domain/errors.js';
import { overLimit } from '../../domain/limits.js';
import { plainText } from '../../domain/scrollback.js';
import { RuntimeError, type ContainerRuntime, type ManagedContainer } from '../../runtime/index.js';
import type { ConsoleRow, ConsolesStore } from '../../store/consoles-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import type { ConsoleContainers } from './console-containers.js';
import { ConsoleSession, DEFAULT_SESSION_LIMITS, type ConsoleExit, type Viewer } from './console-session.js';
import { resolveWorkingDirectory } from './console-working-dir.js';

export type ConsoleState = 'running' | 'exited' | 'stopped';

export interface ConsoleInfo {
  row: ConsoleRow;
  /** `stopped`: no process (this control plane has no container engine). */
  state: ConsoleState;
  exit: ConsoleExit | null;
}

export interface CreateConsoleInput {
  executable?: string | undefined;
  arguments?: string | undefined;
  working_directory?: string | null | undefined;
}

/** PythonAnywhere's get_latest_output returns about this much. */
export const LATEST_OUTPUT_CHARS = 500;
const KILL_EXEC_TIMEOUT_MS = 5000;
const EXIT_WAIT_MS = 3000;
const INITIAL_SIZE = { cols: 80, rows: 24 };

/**
 * Consoles: processes on a TTY in the user's console container, with their
 * output kept here (bounded) for replays. Records are in SQLite; processes
 * and scrollback are in this process's memory, so a console ends when the
 * control plane stops (Docker cannot reattach to an exec).
 */
export class ConsoleService {
  private readonly sessions = new Map<number, ConsoleSession>();
  /** user id → when their last running console ended (their container is idle since then). */
  private readonly idleSince = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: Config,
    readonly store: ConsolesStore,
    private readonly users: UsersStore,
    private readonly runtime: ContainerRuntime,
    /** The users' console containers (shared with the reconciler's console keeper). */
    readonly containers: ConsoleContainers,
    /** What each account may use (its `consoles` limit). */
    private readonly limits: Pick<AccountLimits, 'of'>,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets consoles of a previous process and starts the idle sweep. */
  start(): void {
    const forgotten = this.store.removeAll();
    if (forgotten > 0) this.log.info({ consoles: forgotten }, 'consoles of the previous run ended with it');
    const every = Math.min(30_000, Math.max(1000, this.config.consoleIdleMs / 4));
    this.timer = setInterval(() => void this.sweepIdle().catch((err: unknown) => this.log.error({ err }, 'console idle sweep failed')), every);
    this.timer.unref();
  }

  /** The control plane is stopping: its consoles cannot outlive it, so their containers go too. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.sessions.values()) s.disconnect('the control plane stopped');
    const all = await this.containers.all().catch(() => [] as ManagedContainer[]);
    await Promise.all(all.map((c) => this.containers.remove(c, 'shutdown').catch(() => undefined)));
  }

  list(owner: UserRow): ConsoleInfo[] {
    return this.store.forUser(owner.id).map((row) => this.info(row));
  }

  get(owner: UserRow, id: number): ConsoleInfo {
    return this.info(this.row(owner, id));
  }

  async create(owner: UserRow, input: CreateConsoleInput): Promise<ConsoleInfo> {
    const executable = validateExecutable(input.executable ?? DEFAULT_EXECUTABLE);
    const python = consolePythonVersion(executable);
    const args = input.arguments ?? '';
    const argv = [executable, ...splitArguments(args)];
    const workingDir = await resolveWorkingDirectory(this.config.dataDir, owner.username, input.working_directory ?? null);
    const containers = this.containers;
    const runtime = this.runtime;
    return containers.locks.run(owner.id, async () => {
      // Under the lock, from the row as it is now: a disable that just ended every console must not see a new one start.
      if (this.users.byId(owner.id)?.disabled_at != null) {
        throw new ConflictError(`the account ${owner.username} is disabled: no console can start until an administrator enables it`);
      }
      this.makeRoom(owner);
      const row = this.store.insert({ user_id: owner.id, executable, arguments: args, working_directory: input.working_directory ? workingDir : null });
      try {
        const containerId = await containers.ensure(owner, !this.hasRunning(owner.id), python);
        const exec = await runtime.execTty(containerId, { cmd: launchArgv(row.id, argv), env: { ...TERMINAL_ENV }, workingDir, ...INITIAL_SIZE });
        const session = new ConsoleSession(row.id, owner.id, containerId, exec, DEFAULT_SESSION_LIMITS, this.now);
        this.sessions.set(row.id, session);
        this.idleSince.delete(owner.id);
        session.onExit(() => this.sessionEnded(owner.id));
        this.log.info({ user: owner.username, console: row.id, executable }, 'console started');
        return this.info(row);
      } catch (err) {
        this.store.remove(row.id);
        if (err instanceof RuntimeError && err.code === 'unavailable') throw new UnavailableError('the container engine is not answering; try again in a moment');
        throw err;
      }
    });
  }

  /** DELETE: ends the process (if it runs) and forgets the console. */
  async kill(owner: UserRow, id: number): Promise<void> {
    const row = this.row(owner, id);
    const session = this.sessions.get(row.id);
    if (session?.running) await this.terminate(owner, session, 'the console was killed');
    this.sessions.delete(row.id);
    this.store.remove(row.id);
  }

  sendInput(owner: UserRow, id: number, input: string): void {
    this.runningSession(owner, id).write(input);
  }

  /** The end of the console's output as plain text (escape sequences removed), like PythonAnywhere's. */
  latestOutput(owner: UserRow, id: number): string {
    const session = this.sessions.get(this.row(owner, id).id);
    if (!session) return '';
    const text = plainText(session.scrollback.contents().toString('utf8'));
    return text.slice(-LATEST_OUTPUT_CHARS);
  }

  /** For the WebSocket: replay, then live output. Null when the console has no process at all. */
  attach(owner: UserRow, id: number, viewer: Viewer): { session: ConsoleSession; detach: () => void } | null {
    const session = this.sessions.get(this.row(owner, id).id);
    if (!session) return null;
    return { session, detach: session.attach(viewer) };
  }

  /**
   * Ends consoles nobody watched or typed into for the idle time, forgets
   * ended ones after as long again, and removes console containers that have
   * had no console for the idle time.
   */
  async sweepIdle(now: number = this.now()): Promise<void> {
    const idle = this.config.consoleIdleMs;
    // Containers that became idle during this very sweep wait for the next one.
    const idleContainers = [...this.idleSince];
    for (const s of [...this.sessions.values()]) {
      if (s.running && s.viewerCount > 0) s.lastActivity = now;
      else if (s.running && now - s.lastActivity > idle) {
        const owner = this.users.byId(s.userId);
        if (owner) await this.terminate(owner, s, `the console was idle for ${Math.round(idle / 60_000)} minutes`);
      } else if (!s.running && s.exit && now - s.exit.at > idle) {
        this.sessions.delete(s.id);
        this.store.remove(s.id);
      }
    }
    for (const [userId, since] of idleContainers) {
      if (now - since <= idle) continue;
      await this.containers.locks.runIfIdle(userId, async () => {
        if (this.hasRunning(userId) || this.idleSince.get(userId) !== since) return;
        const owner = this.users.byId(userId);
        for (const c of owner ? await this.containers.containersOf(owner.username) : []) await this.containers.remove(c, 'idle');
        this.idleSince.delete(userId);
      });
    }
  }

  /** Whether the user's console container is wanted: a console runs in it, or it is not idle for long yet. */
  needsContainer(userId: number): boolean {
    return this.hasRunning(userId) || this.idleSince.has(userId);
  }

  /**
   * Ends every console of the account and removes its console container:
   * the account was disabled or is being deleted. Its consoles are
   * forgotten (their rows too); their output is not kept.
   */
  async endAll(owner: UserRow, reason: string): Promise<void> {
    await this.containers.locks.run(owner.id, async () => {
      const mine = [...this.sessions.values()].filter((s) => s.userId === owner.id);
      for (const s of mine) s.endReason ??= reason;
      for (const c of await this.containers.containersOf(owner.username)) await this.containers.remove(c, reason);
      for (const s of mine) {
        s.disconnect(reason);
        this.sessions.delete(s.id);
      }
      for (const row of this.store.forUser(owner.id)) this.store.remove(row.id);
      this.idleSince.delete(owner.id);
    });
  }

  /** Ends the sessions of consoles whose user was deleted (their rows went with the user). */
  forgetDeletedUsers(): void {
    for (const s of [...this.sessions.values()]) {
      if (this.store.byId(s.id)) continue;
      s.endReason = 'the account was deleted';
      s.disconnect('the account was deleted');
      this.sessions.delete(s.id);
    }
  }

  private async terminate(owner: UserRow, session: ConsoleSession, reason: string): Promise<void> {
    session.endReason ??= reason;
    try {
      await this.runtime.execOnce(session.containerId, killArgv(session.id), KILL_EXEC_TIMEOUT_MS);
    } catch (err) {
      this.log.warn({ err, console: session.id }, 'could not run kill in the console container');
    }
    if (await session.waitForExit(EXIT_WAIT_MS)) return;
    // Nothing new can start in there (a fork bomb fills the pids limit):
    // the whole container goes, and the user's other consoles with it.
    this.log.warn({ user: owner.username, console: session.id }, 'console did not die; removing its container');
    await this.containers.locks.run(owner.id, async () => {
      for (const c of await this.containers.containersOf(owner.username)) {
        if (c.id === session.containerId) await this.containers.remove(c, 'unkillable console');
      }
    });
    if (!(await session.waitForExit(EXIT_WAIT_MS))) session.disconnect(reason);
  }

  /**
   * Makes room for one more console: ended ones go first (oldest first);
   * if the running ones alone reach the account's `consoles` limit, the
   * limit answers and nothing is removed.
   */
  private makeRoom(owner: UserRow): void {
    const rows = this.store.forUser(owner.id);
    const limits = this.limits.of(owner);
    const ended = rows.filter((row) => !this.sessions.get(row.id)?.running);
    const running = rows.length - ended.length;
    if (running >= limits.consoles) throw overLimit('consoles', limits, running > 0 ? 'close one (or type exit in it) first' : undefined);
    for (const row of ended.slice(0, Math.max(0, rows.length - limits.consoles + 1))) {
      this.sessions.delete(row.id);
      this.store.remove(row.id);
    }
  }

  private sessionEnded(userId: number): void {
    if (!this.hasRunning(userId)) this.idleSince.set(userId, this.now());
  }

  private hasRunning(userId: number): boolean {
    for (const s of this.sessions.values()) if (s.userId === userId && s.running) return true;
    return false;
  }

  private runningSession(owner: UserRow, id: number): ConsoleSession {
    const session = this.sessions.get(this.row(owner, id).id);
    if (!session?.running) throw new ConflictError('this console is not running any more: start a new one');
    return session;
  }

  private row(owner: UserRow, id: number): ConsoleRow {
    const row = this.store.byId(id);
    if (!row || row.user_id !== owner.id) throw new NotFoundError(`no console ${id}`);
    return row;
  }

  private info(row: ConsoleRow): ConsoleInfo {
    const session = this.sessions.get(row.id);
    if (!session) return { row, state: 'stopped', exit: null };
    return { row, state: session.running ? 'running' : 'exited', exit: session.exit };
  }
}
