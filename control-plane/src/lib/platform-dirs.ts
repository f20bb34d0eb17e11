import fs from 'node:fs';
import path from 'node:path';
import { egressDir, ingressActivityDir, ingressDir, ingressLinksDir, wheelhouseDir } from '../domain/layout.js';
import { DIR_NOFOLLOW, fdPath } from './proc-fd.js';

// Who may enter which folder under PYHOST_DATA. Three kinds of process
// touch it: the api (root), the router (its own unprivileged uid and group,
// "ingress"), and users' containers (each user's uid, which sees only its
// own bind mounts). The router needs to reach app sockets, static files and
// log folders, and nothing else: so the platform's folders are
// root:<ingress> 0750, a user's folders are <uid>:<ingress>, and the
// database, the api's socket and everything else stay root's alone.

export const MODE = {
  /** PYHOST_DATA, users/, run/, ingress/, users/<u>, run/<webapp>: root and the router pass. */
  platform: 0o750,
  /** users/<u>/home and www: the user's; the router reads static files. */
  userOwned: 0o750,
  /** run/<webapp>/g<n>: the user's; setgid, so that every socket the gateway makes there is the router's group's. */
  userRun: 0o2750,
  /** users/<u>/log: the router appends access logs; new files get the ingress group (setgid). */
  userLog: 0o2770,
  /** ingress/links: the router's own sockets. */
  ingressOwned: 0o700,
  /** wheelhouse/ and egress/: root's; every uid may read (bind-mounted read-only into users' containers). */
  shared: 0o755,
} as const;

/** Whether this process can hand files to other uids (it runs as root). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Makes `dir` a directory (not a link) owned by uid:gid with `mode`; creates
 * it when missing (its parent must exist). The owner and mode are set on the
 * opened directory (through /proc/self/fd), never through a path that could
 * lead elsewhere. Nothing is done to a folder that is right already, so a
 * process with few capabilities (the router's container) can run it on
 * folders the api laid out. Outside root (development) only the mode is set.
 */
export function ensureDir(dir: string, uid: number, gid: number, mode: number): void {
  try {
    fs.mkdirSync(dir, { mode: mode & 0o777 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // O_PATH: no read permission needed, so a folder of the router's (0700) opens for root without DAC capabilities.
  const fd = fs.openSync(dir, DIR_NOFOLLOW);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
    const self = fdPath(fd);
    // The mode while this process still owns it, then the owner; a chown clears setgid, so that comes again.
    if ((st.mode & 0o7777) !== mode) fs.chmodSync(self, mode);
    if (isRoot() && (st.uid !== uid || st.gid !== gid)) {
      fs.chownSync(self, uid, gid);
      if (mode & 0o7000) fs.chmodSync(self, mode);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The folders the router needs before it can serve: PYHOST_DATA itself, ingress/ and its own ingress/links. */
export function prepareIngressDirs(dataDir: string, ingress: number): void {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  ensureDir(dataDir, 0, ingress, MODE.platform);
  ensureDir(ingressDir(dataDir), 0, ingress, MODE.platform);
  ensureDir(ingressLinksDir(dataDir), ingress, ingress, MODE.ingressOwned);
  ensureDir(ingressActivityDir(dataDir), ingress, ingress, MODE.ingressOwned);
}

/**
 * The platform's own folders, as root, before anything else runs: the api
 * lays them all out, the router only what it needs (whichever starts first).
 */
export function preparePlatformDirs(dataDir: string, ingress: number): void {
  prepareIngressDirs(dataDir, ingress);
  for (const dir of [path.join(dataDir, 'users'), path.join(dataDir, 'run')]) ensureDir(dir, 0, ingress, MODE.platform);
  for (const dir of [wheelhouseDir(dataDir), egressDir(dataDir)]) ensureDir(dir, 0, 0, MODE.shared);
}

/**
 * run/<webapp>/g<n>: the folder one container generation gets as /run/pyhost.
 * run/<webapp> is root's (the user cannot swap their folder for a link), the
 * generation's own folder is the user's, and the router's group may pass.
 */
export function ensureRunDir(webappDir: string, runDir: string, uid: number, ingress: number): void {
  ensureDir(webappDir, 0, ingress, MODE.platform);
  ensureDir(runDir, uid, ingress, MODE.userRun);
}
