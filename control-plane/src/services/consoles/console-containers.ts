import type { FastifyBaseLogger } from 'fastify';
import { runtimeImageFor, type Config } from '../../config.js';
import { UnavailableError } from '../../domain/errors.js';
import { MiB } from '../../domain/limits.js';
import { DEFAULT_PYTHON_VERSION, type PythonVersion } from '../../domain/python-versions.js';
import { RuntimeError, type ContainerRuntime, type ManagedContainer, type WorkloadSpec } from '../../runtime/index.js';
import { consoleWorkload } from './console-workload.js';
import { identityFiles } from './shell-workload.js';
import type { UserRow } from '../../store/users-store.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { AccountLimits } from '../accounts/account-limits.js';

/**
 * Each user's console containers: one per user and Python (the default
 * one's for `bash` and `python3`, another for `python3.13`…), started for
 * their first console there, holding those consoles as TTY execs. Operations on one user's
 * container run one at a time (`locks`, keyed by user id) so that starting a
 * console and the reconciler removing an idle container never cross.
 */
export class ConsoleContainers {
  readonly locks = new KeyedLock();
  /** "<user id> <python>" → the container last started or found for them. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly instance: string,
    private readonly runtime: ContainerRuntime,
    /** Each account's memory per container. */
    private readonly limits: Pick<AccountLimits, 'of'>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * The user's running console container for `python`, started if
   * needed, with the memory their account may use. `idle`: none of their
   * consoles runs, so a container started under another memory limit (an
   * admin changed it) is replaced rather than reused. Call under `locks`
   * for the user.
   */
  async ensure(user: UserRow, idle: boolean, python: PythonVersion = DEFAULT_PYTHON_VERSION): Promise<string> {
    const memoryMb = this.limits.of(user).memory_mb;
    const image = runtimeImageFor(this.config, python);
    const running = await this.runningOf(user, python, image);
    const outdated = running !== null && running.memoryBytes !== null && running.memoryBytes !== memoryMb * MiB;
    if (running !== null && !(idle && outdated)) return running.id;
    // A stopped or outdated one keeps the name; it holds nothing worth keeping.
    for (const c of await this.containersOf(user.username)) if (ofImage(c, image, this.config)) await this.runtime.remove(c.id);
    try {
      const started = await this.runtime.start(await this.spec(user, memoryMb, python));
      this.known.set(`${user.id} ${python}`, started.id);
      this.log.info({ user: user.username, container: started.id, python }, 'console container started');
      return started.id;
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'unavailable') throw new UnavailableError('the container engine is not answering; try again in a moment');
      if (err instanceof RuntimeError && err.code === 'image_not_found') throw new UnavailableError(`the runtime image ${image} is missing; the administrator should run scripts/setup.sh`);
      throw err;
    }
  }

  /** The user's running console container for `python`, if there is one. */
  private async runningOf(user: UserRow, python: PythonVersion, image: string): Promise<ManagedContainer | null> {
    const key = `${user.id} ${python}`;
    const cached = this.known.get(key);
    if (cached) {
      const c = await this.runtime.inspect(cached);
      // The label check matters: a deleted user's id may be handed out again.
      if (c?.state === 'running' && c.labels.user === user.username && ofImage(c, image, this.config)) return c;
    }
    const running = (await this.containersOf(user.username)).find((c) => c.state === 'running' && ofImage(c, image, this.config)) ?? null;
    if (running) this.known.set(key, running.id);
    return running;
  }

  /** This instance's console containers, all users, any state. */
  async all(): Promise<ManagedContainer[]> {
    return (await this.runtime.list(this.instance)).filter((c) => c.labels.kind === 'console');
  }

  async containersOf(username: string): Promise<ManagedContainer[]> {
    return (await this.all()).filter((c) => c.labels.user === username);
  }

  /** Force-removes one container (its consoles end with it). */
  async remove(container: ManagedContainer, reason: string): Promise<void> {
    this.log.info({ user: container.labels.user, container: container.id, reason }, 'removing console container');
    await this.runtime.remove(container.id);
    for (const [key, id] of this.known) if (id === container.id) this.known.delete(key);
  }

  /** The spec, after (re)writing the user's passwd and group files (identityFiles). */
  private async spec(user: UserRow, memoryMb: number, python: PythonVersion): Promise<WorkloadSpec> {
    return consoleWorkload(this.config, this.instance, user, await identityFiles(this.config, user), memoryMb, python);
  }
}

/** Whether a console container runs `image`; one whose engine did not say is the default image's (made before there were others). */
function ofImage(c: ManagedContainer, image: string, config: Pick<Config, 'runtimeImage'>): boolean {
  return (c.image ?? config.runtimeImage) === image;
}
