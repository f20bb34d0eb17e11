import fs from 'node:fs';
import type { UserDirs } from '../domain/layout.js';

/**
 * Creates a user's home, www and log folders, owned by the user's own uid so
 * that their containers (which run as that uid) can write them. Synchronous
 * on purpose: sign-up runs it inside the database transaction that creates
 * the user, so a failure leaves neither the row nor half the folders.
 */
export function createUserDirs(dirs: UserDirs, uid: number): void {
  const ownable = canChown();
  fs.mkdirSync(dirs.root, { recursive: true, mode: 0o750 });
  for (const dir of [dirs.home, dirs.www, dirs.log]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
    if (ownable) fs.chownSync(dir, uid, uid);
  }
  // root:<uid> 0750 on users/<u> keeps other users' processes out even on the host.
  if (ownable) fs.chownSync(dirs.root, 0, uid);
}

/** Whether this process can hand files to other uids (it runs as root). */
export function canChown(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
