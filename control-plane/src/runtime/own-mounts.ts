import fs from 'node:fs';
import os from 'node:os';
import Docker from 'dockerode';
import type { Mount } from '../domain/host-paths.js';

/**
 * The mounts of the Docker container this process runs in, as the engine
 * reports them; null when not running in a Docker container or when the
 * engine does not know this container (a custom hostname, another engine).
 */
export async function ownContainerMounts(socketPath: string): Promise<Mount[] | null> {
  if (!fs.existsSync('/.dockerenv')) return null;
  const docker = new Docker({ socketPath });
  try {
    // A container's hostname is its short id unless someone set another one.
    const info = await docker.getContainer(os.hostname()).inspect();
    return info.Mounts.map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination }));
  } catch {
    return null;
  }
}
