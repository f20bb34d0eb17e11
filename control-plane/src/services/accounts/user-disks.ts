import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { MIN_DISK_MB, type Config } from '../../config.js';
import { ConflictError, NotImplementedError, ValidationError } from '../../domain/errors.js';
import { disksDir, uidFor, userDirs, userDiskImage } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import { removeTree } from '../../lib/beneath.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import { MODE, ensureDir, isRoot } from '../../lib/platform-dirs.js';
import type { HostCommands } from '../../runtime/host-commands.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { AccountLimits } from './account-limits.js';
import { createUserDirs } from './user-dirs.js';

const UNAVAILABLE = 'disk quotas need the api to run as root with the Docker Engine (docs/disk-quotas.md)';

/** What `df` in the account's console shows, from the filesystem itself (no walk of the tree). */
export interface DiskFigures {
  /** The quota, as the admin set it. */
  readonly quotaBytes: number;
  /** What the account may fill now: what its files take plus what `df` shows as available. */
  readonly sizeBytes: number;
  readonly usedBytes: number;
}

export interface UserDisksDeps {
  readonly config: Config;
  /** Runs mount and friends where the engine sees them; null: this api cannot (no Docker, or tests with a fake engine). */
  readonly host: Pick<HostCommands, 'run'> | null;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly users: Pick<UsersStore, 'all'>;
  /** Stops every container of the account (the reconciler starts them again), before its files move onto a new disk. */
  readonly stopContainersOf: (user: UserRow) => Promise<void>;
  readonly log: FastifyBaseLogger;
}

/**
 * Each account's disk quota, enforced by the kernel: a sparse ext4 image per
 * account (disks/<u>.ext4) loop-mounted at users/<u>, so that home, www and
 * log share one hard limit, writing past it fails with ENOSPC everywhere
 * (consoles, apps, tasks, the files API), `df` shows the account's own
 * size, and the host's disk and other accounts are untouched. Why images and
 * not quotas: docs/disk-quotas.md. The mount point and every folder above it
 * are root's, so no user can put a link where a mount goes.
 */
export class UserDisks {
  private readonly locks = new KeyedLock();

  constructor(private readonly d: UserDisksDeps) {}

  /** Whether disks can be made here at all. */
  available(): boolean {
    return this.d.host !== null && isRoot();
  }

  /** The account's disk as it is now; null when it has none mounted. */
  figures(user: UserRow): DiskFigures | null {
    const root = userDirs(this.d.config.dataDir, user.username).root;
    if (!this.isMounted(root)) return null;
    const st = fs.statfsSync(root);
    const usedBytes = (st.blocks - st.bfree) * st.bsize;
    // What `df` shows the account as free is what its quota leaves (the reserve hides the rest).
    return { quotaBytes: this.d.limits.of(user).disk_mb * MiB, sizeBytes: usedBytes + st.bavail * st.bsize, usedBytes };
  }

  /**
   * Refuses a quota the account's disk cannot take: below what its files
   * use, or none at all once it has a disk (a disk grows, it is not taken away).
   */
  checkQuota(user: UserRow, quotaMb: number): void {
    if (quotaMb > 0 && quotaMb < MIN_DISK_MB) throw new ValidationError(`disk_mb must be 0 (no quota) or at least ${MIN_DISK_MB}`, 'disk_mb');
    const figures = this.figures(user);
    if (quotaMb > 0 && !this.available()) {
      throw new NotImplementedError(UNAVAILABLE);
    }
    if (!figures) return;
    if (quotaMb === 0) throw new ConflictError(`${user.username} has a disk of its own already; give it a bigger quota rather than none`);
    if (quotaMb * MiB < figures.usedBytes + RESERVE_BYTES) {
      throw new ConflictError(`${user.username}'s files take ${Math.ceil(figures.usedBytes / MiB)} MiB; the quota cannot go below that`);
    }
  }

  /**
   * Makes the account's disk match its quota: mounts the image (after a
   * reboot), makes one from the account's files (a new quota), and sets
   * the quota on the mounted disk online (limitTo). Cheap when all is so
   * already: every use of the account's files and every start of one of its
   * containers asks. One account at a time.
   */
  ensure(user: UserRow): Promise<void> {
    return this.locks.run(user.id, () => this.apply(user));
  }

  /** Every account's disk, at start-up before any container starts. */
  async ensureAll(): Promise<void> {
    if (!this.available()) return;
    for (const user of this.d.users.all()) {
      await this.ensure(user).catch((err: unknown) => this.d.log.error({ err, user: user.username }, 'could not mount the disk of this account'));
    }
  }

  /** The account is being deleted and its files are archived: unmounts and deletes its disk. */
  remove(user: UserRow): Promise<void> {
    return this.locks.run(user.id, async () => {
      const root = userDirs(this.d.config.dataDir, user.username).root;
      if (this.isMounted(root)) await this.host().run(['umount', root]);
      fs.rmSync(userDiskImage(this.d.config.dataDir, user.username), { force: true });
    });
  }

  private async apply(user: UserRow): Promise<void> {
    const quotaMb = this.d.limits.of(user).disk_mb;
    const dirs = userDirs(this.d.config.dataDir, user.username);
    const image = userDiskImage(this.d.config.dataDir, user.username);
    const imageBytes = this.imageBytes(user);
    if (quotaMb === 0 && imageBytes === null) return;
    if (!this.available()) throw new NotImplementedError(UNAVAILABLE);
    // 0 with a disk already: checkQuota refuses it; a default changed meanwhile keeps the disk at its size.
    const quota = quotaMb > 0 ? quotaMb * MiB : null;
    assertPlatformFolder(path.dirname(dirs.root));
    if (!this.isMounted(dirs.root)) {
      if (imageBytes === null) await this.create(user, image, dirs.root, ceilingFor(quota!));
      else if (quota !== null && imageBytes !== ceilingFor(quota)) await this.resizeUnmounted(image, ceilingFor(quota));
      await this.mount(image, dirs.root);
      createUserDirs(dirs, uidFor(this.d.config.uidBase, user.id), this.d.config.ingressUid);
    }
    if (quota !== null) await this.limitTo(user, image, dirs.root, quota);
  }

  /**
   * The quota on a mounted disk, online: ext4's reserved blocks, which no
   * process of the account's uid (nor the router's) may use, hide all but
   * `quota` bytes of the filesystem; a bigger or smaller quota just moves
   * them. Past what the disk can take that way (tune2fs keeps at most half
   * the blocks back), the filesystem grows first; a smaller quota than the
   * reserve can express takes its full effect at the next mount.
   */
  private async limitTo(user: UserRow, image: string, root: string, quota: number): Promise<void> {
    let st = fs.statfsSync(root);
    // Already so (the usual case: every use of the account's files asks): what df shows free is what the quota leaves.
    if (st.bavail > 0 && Math.abs(st.bavail - (Math.floor(quota / st.bsize) - (st.blocks - st.bfree))) <= 1) return;
    if (quota > st.blocks * st.bsize) {
      await this.growMounted(user, image, root, ceilingFor(quota));
      st = fs.statfsSync(root);
    }
    // The kernel keeps back 2% of the blocks (at most 4096) for itself besides ours (ext4_calculate_resv_clusters).
    const kernelReserve = Math.min(Math.floor(fs.statSync(image).size / st.bsize / 50), 4096);
    const reserve = Math.min(Math.floor(st.blocks / 2), Math.max(0, st.blocks - Math.floor(quota / st.bsize) - kernelReserve));
    await this.host().run(['tune2fs', '-r', String(reserve), await this.deviceOf(root)]);
  }

  /** A new disk holding the account's files as they are (none, for a new account). */
  private async create(user: UserRow, image: string, root: string, bytes: number): Promise<void> {
    ensureDir(disksDir(this.d.config.dataDir), 0, 0, 0o700);
    if (fs.existsSync(root)) assertPlatformFolder(root);
    // Nothing may write to the old folders while they are copied, and containers would keep the old ones open.
    await this.d.stopContainersOf(user);
    const fd = fs.openSync(image, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    try {
      fs.ftruncateSync(fd, bytes);
    } finally {
      fs.closeSync(fd);
    }
    const old = path.join(disksDir(this.d.config.dataDir), `${user.username}.before-disk`);
    try {
      await this.host().run([
        'mkfs.ext4', '-q', '-F', '-T', 'default',
        // No blocks kept back for root (the quota sets the reserve); the journal and inode tables are not written out now, so the sparse image costs the host only what is used.
        '-m', '0', '-E', 'lazy_itable_init=1,lazy_journal_init=1',
        '-L', `pyhost-${user.username}`.slice(0, 16),
        // The account's folders copied in with their owners and modes.
        ...(fs.existsSync(root) ? ['-d', root] : []),
        image,
      ]);
      if (fs.existsSync(root)) fs.renameSync(root, old);
      ensureDir(root, 0, this.d.config.ingressUid, MODE.platform);
    } catch (err) {
      if (fs.existsSync(old) && !fs.existsSync(root)) fs.renameSync(old, root);
      fs.rmSync(image, { force: true });
      throw err;
    }
    await removeTree(old);
  }

  private async mount(image: string, root: string): Promise<void> {
    ensureDir(root, 0, this.d.config.ingressUid, MODE.platform);
    // nosuid, nodev: nothing on a user's disk is ever a device or a set-uid program to anyone. noinit_itable: the
    // kernel does not fill the sparse image's inode tables in the background.
    // resuid/resgid: a uid and gid no process has (below the users', not the router's), so that only what has
    // CAP_SYS_RESOURCE may write into the blocks the quota holds back; root by its uid alone may not.
    const { uidBase, ingressUid } = this.d.config;
    const nobody = ingressUid === uidBase - 2 ? uidBase - 3 : uidBase - 2;
    await this.host().run(['mount', '-t', 'ext4', '-o', `loop,nosuid,nodev,noatime,noinit_itable,resuid=${nobody},resgid=${nobody}`, image, root]);
    // The disk's own root as users/<u> always is: root's, the router's group may pass (mkfs made it 0755).
    ensureDir(root, 0, this.d.config.ingressUid, MODE.platform);
  }

  /**
   * A bigger filesystem under a mounted disk: the image file, then the loop
   * device, then ext4 online. The kernel lets only a process with
   * CAP_SYS_RESOURCE resize online; where the engine lacks it (some nested
   * containers) the account's containers stop for the moment it takes
   * offline, and the reconciler starts them again.
   */
  private async growMounted(user: UserRow, image: string, root: string, bytes: number): Promise<void> {
    const device = await this.deviceOf(root);
    fs.truncateSync(image, bytes);
    await this.host().run(['losetup', '--set-capacity', device]);
    try {
      await this.host().run(['resize2fs', device]);
    } catch (err) {
      if (!/Permission denied to resize/.test((err as Error).message)) throw err;
      this.d.log.warn({ user: user.username }, 'the kernel refused to grow a mounted disk; growing it unmounted');
      await this.d.stopContainersOf(user);
      await this.host().run(['umount', root]);
      await this.resizeUnmounted(image, bytes);
      await this.mount(image, root);
    }
  }

  /** Offline, to `bytes` either way (ext4 shrinks only unmounted); a shrink is refused beforehand when the files would not fit (checkQuota). */
  private async resizeUnmounted(image: string, bytes: number): Promise<void> {
    if (fs.statSync(image).size < bytes) fs.truncateSync(image, bytes);
    await this.host().run(['e2fsck', '-f', '-p', image]);
    await this.host().run(['resize2fs', image, `${Math.floor(bytes / 1024)}K`]);
    fs.truncateSync(image, bytes);
  }

  private async deviceOf(root: string): Promise<string> {
    const device = (await this.host().run(['findmnt', '--noheadings', '--output', 'SOURCE', '--mountpoint', root])).trim();
    if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`${root} is mounted from ${device || 'nothing'}, not a loop device`);
    return device;
  }

  private imageBytes(user: UserRow): number | null {
    try {
      const st = fs.lstatSync(userDiskImage(this.d.config.dataDir, user.username));
      return st.isFile() ? st.size : null;
    } catch {
      return null;
    }
  }

  /** A mount point: on another device than its parent folder. */
  private isMounted(root: string): boolean {
    try {
      return fs.lstatSync(root).dev !== fs.lstatSync(path.dirname(root)).dev;
    } catch {
      return false;
    }
  }

  private host(): Pick<HostCommands, 'run'> {
    if (!this.d.host) throw new NotImplementedError(UNAVAILABLE);
    return this.d.host;
  }
}

/** What ext4 needs beside the files themselves (directories, extent trees), so a shrink never lands exactly at full. */
const RESERVE_BYTES = 4 * MiB;

/**
 * The image's size for a quota: twice it, so that the quota can nearly
 * double online by the reserve alone (sparse: the host pays only for what is
 * used), and the reserve never needs more than the half of the blocks
 * tune2fs allows.
 */
function ceilingFor(quota: number): number {
  return 2 * quota;
}

/** users/ and users/<u> are where mounts go: they must be root's own folders, never links. */
function assertPlatformFolder(dir: string): void {
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== 0) throw new Error(`${dir} is not a folder of root's; no disk is mounted there`);
}
