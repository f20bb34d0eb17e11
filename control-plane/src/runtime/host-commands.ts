// Commands that must run in the mount namespace of the Docker Engine: loop
// mounts of users' disks (docs/disk-quotas.md). A mount made anywhere else
// (the api's own container under compose, say) would be invisible to the
// engine, which bind-mounts users' folders into their containers from its
// own view of the host. So one small helper container, started on demand,
// enters the namespace of its own parent (the engine's containerd-shim) with
// nsenter and runs exactly the argv it is given: no shell sees a word of it
// but the fixed wrapper below, and the api, which already holds the Docker
// socket, is the only one that can exec into it.
import type Docker from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import { RuntimeError, type ExecResult } from './container-runtime.js';
import { runExecOnce } from './docker-exec.js';
import { statusCodeOf, toRuntimeError } from './docker-errors.js';

/** Not io.pyhost.managed: the reconciler must never take it for a workload and remove it. */
export const LABEL_HOST_HELPER = 'io.pyhost.host-helper';

/**
 * $1 is the helper's own init process (its host pid, from inspect): that
 * one's parent is the engine's containerd-shim, in the engine's mount
 * namespace, for as long as the helper runs.
 */
const ENTER_ENGINE_NAMESPACE = [
  'while read -r key value; do [ "$key" = PPid: ] && shim=$value; done < "/proc/$1/status"',
  'shift',
  'exec nsenter --target "$shim" --mount -- "$@"',
].join('\n');

export class HostCommandError extends Error {
  override name = 'HostCommandError';
}

export function hostHelperName(instance: string): string {
  return `pyhost-${instance}-host`;
}

/** The helper's create options: only what mounting loop devices needs, nothing else. */
export function hostHelperOptions(instance: string, image: string): ContainerCreateOptions {
  return {
    name: hostHelperName(instance),
    Image: image,
    User: '0:0',
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    Labels: { [LABEL_HOST_HELPER]: instance },
    HostConfig: {
      // The host's process tree, so that the shim is its parent as seen from inside.
      PidMode: 'host',
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      // setns into a mount namespace needs SYS_ADMIN and SYS_CHROOT, opening the shim's ns needs SYS_PTRACE; mount needs
      // SYS_ADMIN; mkfs.ext4 -d reads an account's files (their owner's, 0750) as they are copied onto its new disk.
      CapAdd: ['SYS_ADMIN', 'SYS_CHROOT', 'SYS_PTRACE', 'DAC_READ_SEARCH'],
      // Docker's AppArmor profile refuses mount(2) whatever the capabilities.
      SecurityOpt: ['apparmor=unconfined'],
      // Loop devices (block major 7) and /dev/loop-control (char 10:237), as the engine's device cgroup sees them.
      DeviceCgroupRules: ['b 7:* rwm', 'c 10:237 rwm'],
      Memory: 64 * 1024 * 1024,
      PidsLimit: 64,
      RestartPolicy: { Name: 'unless-stopped' },
      Init: true,
    },
  };
}

export class HostCommands {
  private ready: Promise<{ container: Docker.Container; pid: number }> | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly instance: string,
    private readonly image: string,
  ) {}

  /** Runs argv in the engine's mount namespace; throws with its output unless it exits 0. */
  async run(argv: readonly string[], timeoutMs = 120_000): Promise<string> {
    const { container, pid } = await this.container();
    const result: ExecResult = await runExecOnce(container, this.docker.modem, ['sh', '-c', ENTER_ENGINE_NAMESPACE, 'sh', String(pid), ...argv], timeoutMs);
    if (result.exitCode !== 0) {
      throw new HostCommandError(`${argv[0]} failed (${result.exitCode === null ? 'timed out' : `exit ${result.exitCode}`}): ${result.output.trim()}`);
    }
    return result.output;
  }

  /** Removes the helper (tests, and an instance going away); mounts it made stay. */
  async remove(): Promise<void> {
    this.ready = null;
    try {
      await this.docker.getContainer(hostHelperName(this.instance)).remove({ force: true });
    } catch (err) {
      if (statusCodeOf(err) !== 404) throw toRuntimeError('remove the host helper', err);
    }
  }

  private container(): Promise<{ container: Docker.Container; pid: number }> {
    this.ready ??= this.startHelper().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async startHelper(): Promise<{ container: Docker.Container; pid: number }> {
    const existing = this.docker.getContainer(hostHelperName(this.instance));
    try {
      const info = await existing.inspect();
      if (info.Config.Image === this.image && info.State.Running) return { container: existing, pid: info.State.Pid };
      await existing.remove({ force: true });
    } catch (err) {
      if (statusCodeOf(err) !== 404) throw toRuntimeError('inspect the host helper', err);
    }
    try {
      const created = await this.docker.createContainer(hostHelperOptions(this.instance, this.image));
      await created.start();
      return { container: created, pid: (await created.inspect()).State.Pid };
    } catch (err) {
      const e = toRuntimeError('start the host helper', err);
      throw new RuntimeError(e.code, `${e.message} (users' disks are mounted through it: docs/disk-quotas.md)`, e.statusCode, { cause: err });
    }
  }
}
