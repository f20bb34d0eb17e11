import fs from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { uidFor, userDirs, webappRunDir } from '../../domain/layout.js';
import { openOwnedFile, openOwnedSocket } from '../../lib/no-follow.js';
import { ensureRunDir, isRoot } from '../../lib/platform-dirs.js';
import { fdPath } from '../../lib/proc-fd.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';
import { createUserDirs } from '../accounts/user-dirs.js';

/**
 * Puts the owners and modes of every user's folders, log files and app
 * sockets right at start-up, so that a data folder from before the router
 * had its own uid (or one restored from a backup) works as a fresh one:
 * the router's group on users' folders and logs, setgid run folders, and
 * sockets of running apps the router may connect to. Entries are changed
 * through what was opened without following links; anything odd is left
 * alone (and its app simply is not reachable until it restarts).
 */
export function repairLayout(config: Config, users: readonly UserRow[], webapps: readonly WebappRow[], log: FastifyBaseLogger): void {
  if (!isRoot()) return;
  const ingress = config.ingressUid;
  const byId = new Map(users.map((u) => [u.id, u]));
  for (const user of users) {
    const uid = uidFor(config.uidBase, user.id);
    const dirs = userDirs(config.dataDir, user.username);
    try {
      createUserDirs(dirs, uid, ingress);
      for (const name of fs.readdirSync(dirs.log)) {
        if (/\.log(\.\d+(\.gz)?)?$/.test(name)) shareWithRouter(path.join(dirs.log, name), uid, ingress);
      }
    } catch (err) {
      log.warn({ err, user: user.username }, 'could not put the folders of this user right');
    }
  }
  for (const app of webapps) {
    const owner = byId.get(app.user_id);
    if (!owner) continue;
    const uid = uidFor(config.uidBase, owner.id);
    const webappDir = webappRunDir(config.dataDir, app.id);
    try {
      if (!fs.existsSync(webappDir)) continue;
      for (const generation of fs.readdirSync(webappDir)) {
        const runDir = path.join(webappDir, generation);
        if (!fs.lstatSync(runDir).isDirectory()) continue;
        ensureRunDir(webappDir, runDir, uid, ingress);
        shareSocket(path.join(runDir, 'app.sock'), uid, ingress);
        shareWithRouter(path.join(runDir, 'upstream.json'), uid, ingress);
      }
    } catch (err) {
      log.warn({ err, webapp: app.domain_name }, 'could not put the run folders of this web app right');
    }
  }
}

/** A user's file the router reads or appends to: the router's group, group read/write. */
function shareWithRouter(file: string, uid: number, ingress: number): void {
  let fd: number | null = null;
  try {
    fd = openOwnedFile(file, [uid]);
  } catch {
    return; // a link, a FIFO, someone else's: not touched
  }
  if (fd === null) return;
  try {
    const st = fs.fstatSync(fd);
    if (st.gid !== ingress) fs.fchownSync(fd, uid, ingress);
    fs.fchmodSync(fd, (st.mode & 0o777) | 0o060);
  } finally {
    fs.closeSync(fd);
  }
}

/** A running app's socket, made before its folder was setgid: the router's group may connect. */
function shareSocket(socketPath: string, uid: number, ingress: number): void {
  let fd: number;
  try {
    fd = openOwnedSocket(socketPath, uid);
  } catch {
    return;
  }
  try {
    const st = fs.fstatSync(fd);
    // Through the descriptor: chown and chmod by path would follow a link swapped in meanwhile.
    if (st.gid !== ingress) fs.chownSync(fdPath(fd), uid, ingress);
    fs.chmodSync(fdPath(fd), (st.mode & 0o777) | 0o060);
  } finally {
    fs.closeSync(fd);
  }
}
