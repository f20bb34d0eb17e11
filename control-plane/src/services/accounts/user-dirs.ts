import fs from 'node:fs';
import path from 'node:path';
import type { UserDirs } from '../../domain/layout.js';
import { MODE, ensureDir, isRoot } from '../../lib/platform-dirs.js';

/**
 * Creates (or puts right) a user's home, www and log folders: owned by the
 * user's own uid, so that their containers (which run as that uid) can
 * write them, with the router's group so that it can serve static files
 * and write access logs. Synchronous on purpose: sign-up runs it inside the
 * database transaction that creates the user, so a failure leaves neither
 * the row nor half the folders.
 */
export function createUserDirs(dirs: UserDirs, uid: number, ingress: number): void {
  // root:<ingress> 0750 on users/<u>: no other user's process gets in, even on the host.
  fs.mkdirSync(path.dirname(dirs.root), { recursive: true });
  ensureDir(dirs.root, 0, ingress, MODE.platform);
  ensureDir(dirs.home, uid, ingress, MODE.userOwned);
  ensureDir(dirs.www, uid, ingress, MODE.userOwned);
  ensureDir(dirs.log, uid, ingress, MODE.userLog);
}

/** Whether this process can hand files to other uids (it runs as root). */
export const canChown = isRoot;
