import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

/**
 * The router runs as its own unprivileged uid (PYHOST_INGRESS_UID), never as
 * root: whatever a user's app leaves at its socket's place, the router
 * cannot open the Docker Engine's socket, the api's, the database or
 * another user's files, even if one of its own checks were raced. Started as
 * root (npm start, compose), it binds the public port first (ports below
 * 1024 need root) and then gives root up for good, supplementary groups
 * included. Throws with a message an admin can act on when the data folder
 * is out of the router's reach.
 */
export function dropRoot(config: Config): void {
  if (process.getuid?.() !== 0) return; // a development run as a normal user has nothing to drop
  const id = config.ingressUid;
  process.setgroups!([id]);
  process.setgid!(id);
  process.setuid!(id);
  if (process.getuid() !== id || process.geteuid!() !== id) throw new Error(`could not switch to uid ${id}`);
  try {
    fs.accessSync(config.dataDir, fs.constants.X_OK);
  } catch {
    throw new Error(
      `the router runs as uid ${id} (PYHOST_INGRESS_UID) and cannot reach PYHOST_DATA (${config.dataDir}): ` +
        `every folder above it must let others pass (e.g. chmod o+x ${blockingAncestor(config.dataDir) ?? path.dirname(config.dataDir)}), ` +
        'or choose a data folder outside /root',
    );
  }
}

/** The nearest folder above `dir` that others may not enter. */
function blockingAncestor(dir: string): string | null {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    try {
      fs.accessSync(d, fs.constants.X_OK);
    } catch {
      return d;
    }
    if (d === path.dirname(d)) return null;
  }
}
