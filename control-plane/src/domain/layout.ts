import path from 'node:path';

// Where things live on the host, under PYHOST_DATA (see docs/architecture.md,
// "Filesystem, as a user sees it"). Pure functions: no I/O here.

export interface UserDirs {
  /** users/<u>: holds the three below; nobody but root and the user may enter. */
  readonly root: string;
  /** users/<u>/home, seen as /home/<u> in containers. */
  readonly home: string;
  /** users/<u>/www, seen as /var/www. */
  readonly www: string;
  /** users/<u>/log, seen as /var/log. */
  readonly log: string;
}

export function userDirs(dataDir: string, username: string): UserDirs {
  const root = path.join(dataDir, 'users', username);
  return Object.freeze({
    root,
    home: path.join(root, 'home'),
    www: path.join(root, 'www'),
    log: path.join(root, 'log'),
  });
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'pyhost.db');
}

/** run/<webapp id>: one sub-folder per container generation holds its sockets. */
export function webappRunDir(dataDir: string, webappId: number): string {
  return path.join(dataDir, 'run', String(webappId));
}

/** The run directory of one container generation of a web app: its sockets live here. */
export function generationRunDir(dataDir: string, webappId: number, generation: number): string {
  return path.join(webappRunDir(dataDir, webappId), `g${generation}`);
}

/**
 * run-websites/<website id>: a website's run folders, one per container
 * generation (`g<n>`), beside run/ (whose sub-folders are web apps' ids).
 */
export function websiteRunDir(dataDir: string, websiteId: number): string {
  return path.join(dataDir, 'run-websites', String(websiteId));
}

/** The run folder of one container generation of a website: its server's socket (app.sock) is made here. */
export function websiteGenerationRunDir(dataDir: string, websiteId: number, generation: number): string {
  return path.join(websiteRunDir(dataDir, websiteId), `g${generation}`);
}

/** wheelhouse/: wheels the admin put there for pip; every user's container sees it read-only at /wheelhouse (docs/egress.md). */
export function wheelhouseDir(dataDir: string): string {
  return path.join(dataDir, 'wheelhouse');
}

/** egress/: the egress proxy's squid.conf, allowlist and unix socket (docs/egress.md); root's, read-only for containers. */
export function egressDir(dataDir: string): string {
  return path.join(dataDir, 'egress');
}

export function uidFor(uidBase: number, userId: number): number {
  return uidBase + userId;
}

/** The three places a user's paths may start with, as seen inside containers. */
export function visibleRoots(username: string): { home: string; www: string; log: string } {
  return { home: `/home/${username}`, www: '/var/www', log: '/var/log' };
}

/** etc/<u>: the passwd and group files mounted read-only into the user's console container. */
export function consoleEtcDir(dataDir: string, username: string): string {
  return path.join(dataDir, 'etc', username);
}

/** archives/: deleted accounts' files, one tarball each; root's alone (0700). */
export function archivesDir(dataDir: string): string {
  return path.join(dataDir, 'archives');
}

/**
 * ingress/: what the api hands the router (the route table snapshot) and the
 * router's own sockets. root:<ingress> 0750; nothing a user can write.
 */
export function ingressDir(dataDir: string): string {
  return path.join(dataDir, 'ingress');
}

/** The route table the api publishes for the router (written whole, then renamed into place). */
export function routesSnapshotFile(dataDir: string): string {
  return path.join(ingressDir(dataDir), 'routes.json');
}

/** Where the api publishes the table for the router: the whole of it, and one line per change since (route-publisher.ts). */
export interface RouteFiles {
  readonly table: string;
  readonly changes: string;
}

export function routeFiles(dataDir: string): RouteFiles {
  return { table: routesSnapshotFile(dataDir), changes: path.join(ingressDir(dataDir), 'routes.changes') };
}

/** ingress/links/: the router's listening sockets, owned by the ingress uid, that the api dials. */
export function ingressLinksDir(dataDir: string): string {
  return path.join(ingressDir(dataDir), 'links');
}

/** Router process n's socket (1-based), through which the api serves the dashboard hosts. */
export function ingressLinkSocket(dataDir: string, n: number): string {
  return path.join(ingressLinksDir(dataDir), `router-${n}.sock`);
}

/**
 * ingress/activity/: owned by the ingress uid. Each router process writes
 * its file there (ingress/router-activity.ts): when each app last had a
 * request, and which sleeping apps it holds requests for.
 */
export function ingressActivityDir(dataDir: string): string {
  return path.join(ingressDir(dataDir), 'activity');
}

/** Router process n's activity file (1-based). */
export function ingressActivityFile(dataDir: string, n: number): string {
  return path.join(ingressActivityDir(dataDir), `router-${n}.json`);
}

/**
 * disks/: each account's disk image when it has a quota (docs/disk-quotas.md),
 * mounted at users/<u>. root's alone (0700): nothing of a user's is in the path.
 */
export function disksDir(dataDir: string): string {
  return path.join(dataDir, 'disks');
}

/** disks/<u>.ext4: the account's sparse disk image. */
export function userDiskImage(dataDir: string, username: string): string {
  return path.join(disksDir(dataDir), `${username}.ext4`);
}
