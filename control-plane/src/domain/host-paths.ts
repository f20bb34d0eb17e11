import path from 'node:path';

// The sibling-container trap. When the api runs in a container, the
// containers it creates are started by the host's Docker Engine, which reads
// every bind-mount source as a HOST path. So PYHOST_DATA must be the same
// absolute path inside the api's container and on the host. Pure: the
// mounts come from the engine (runtime/own-mounts.ts).

export interface Mount {
  readonly type: string;
  /** On the host. */
  readonly source: string;
  /** In the container. */
  readonly destination: string;
}

function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Where `dataDir` (a path in this container) is on the host, or null when it is not mounted from the host. */
export function hostPathOf(dataDir: string, mounts: readonly Mount[]): string | null {
  const covering = mounts
    .filter((m) => within(m.destination, dataDir))
    .sort((a, b) => b.destination.length - a.destination.length)[0];
  if (!covering || !covering.source) return null;
  return path.join(covering.source, path.relative(covering.destination, dataDir));
}

/** Null when the paths line up; otherwise what is wrong and how to fix it, for a person. */
export function dataDirMountProblem(dataDir: string, mounts: readonly Mount[]): string | null {
  const host = hostPathOf(dataDir, mounts);
  const same = host ?? dataDir;
  const fix = `Mount the host folder at the very same path, e.g. in docker-compose.yml "- ${same}:${same}", with PYHOST_DATA=${same}.`;
  if (host === null) {
    return `PYHOST_DATA (${dataDir}) is not mounted from the host, so the web-app containers that the host's Docker Engine starts could not see it. ${fix}`;
  }
  if (path.resolve(host) !== path.resolve(dataDir)) {
    return `PYHOST_DATA is ${dataDir} in this container but ${host} on the host; the host's Docker Engine would mount the wrong folders into web-app containers. ${fix}`;
  }
  return null;
}
