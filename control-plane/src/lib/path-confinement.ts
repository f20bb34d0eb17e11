import fs from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { visibleRoots, type UserDirs } from '../domain/layout.js';

/** A user-visible path mapped onto the host, not yet checked against symlinks. */
export interface MappedPath {
  /** Normalised path as the user sees it, e.g. /home/alice/site/app.py */
  readonly visible: string;
  /** The same place on the host. */
  readonly host: string;
  /** The host folder this path must stay inside (home, www or log). */
  readonly areaRoot: string;
  /** The area's own root as the user sees it (/home/alice, /var/www, /var/log). */
  readonly visibleRoot: string;
  /** All of the user's host folders: a symlink may lead from one to another, never out. */
  readonly allowedRoots: readonly string[];
}

/**
 * Maps a path as users see it (`/home/<u>/…`, `/var/www/…`, `/var/log/…`)
 * onto the host. Refuses NUL bytes, `.` and `..` segments and anything
 * outside the user's three folders. Callers must still call `confine` on the
 * result before touching the filesystem, because of symlinks.
 */
export function mapVisiblePath(username: string, dirs: UserDirs, raw: string): MappedPath {
  if (raw.includes('\0')) throw new ValidationError('path must not contain NUL bytes', 'path');
  if (!raw.startsWith('/')) throw new ValidationError('path must be absolute, e.g. /home/<you>/file.py', 'path');
  const segments = raw.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new ValidationError('path must not contain "." or ".." segments', 'path');
  }
  const visible = '/' + segments.join('/');
  const roots = visibleRoots(username);
  const areas: [string, string][] = [
    [roots.home, dirs.home],
    [roots.www, dirs.www],
    [roots.log, dirs.log],
  ];
  for (const [visibleRoot, areaRoot] of areas) {
    if (visible === visibleRoot || visible.startsWith(visibleRoot + '/')) {
      const rest = visible.slice(visibleRoot.length);
      return { visible, host: path.join(areaRoot, rest), areaRoot, visibleRoot, allowedRoots: [dirs.home, dirs.www, dirs.log] };
    }
  }
  throw new NotFoundError(`${visible} is not in your files (they live under ${roots.home}, ${roots.www} and ${roots.log})`);
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Resolves symlinks in every existing component of `mapped.host` and checks
 * that the result is still inside the user's area. Returns the real host
 * path, with any not-yet-existing tail appended. A link that points outside
 * (to /etc, to another user's home) is reported as not found, never followed.
 * Links are resolved on the host, so an absolute link made inside a
 * container (e.g. to /var/www/x) does not lead to the user's files here and
 * is refused the same way; relative links work.
 *
 * With `followLast: false` the last component itself is not resolved: used
 * for deleting or replacing a symlink, which must act on the link itself.
 */
export async function confine(mapped: MappedPath, options: { followLast: boolean }): Promise<string> {
  return (await confineWithRoot(mapped, options)).real;
}

/**
 * The same check, as a starting point that a process running as root can
 * act on without a race (lib/beneath.ts): the real root folder the path
 * ended up in, and the components below it. The path check is only true
 * when it is made; walking these components with DirHandle afterwards
 * refuses (never follows) whatever was swapped in since.
 */
export async function confineBeneath(mapped: MappedPath, options: { followLast: boolean }): Promise<{ real: string; root: string; segments: string[] }> {
  const { real, root } = await confineWithRoot(mapped, options);
  const rel = path.relative(root, real);
  return { real, root, segments: rel === '' ? [] : rel.split(path.sep) };
}

async function confineWithRoot(mapped: MappedPath, options: { followLast: boolean }): Promise<{ real: string; root: string }> {
  const realRoots = await Promise.all(mapped.allowedRoots.map((r) => fs.realpath(r)));
  const parent = path.dirname(mapped.host);
  const base = path.basename(mapped.host);
  const target = options.followLast || mapped.host === mapped.areaRoot ? mapped.host : parent;

  let existing = target;
  const tail: string[] = [];
  let real: string | undefined;
  while (real === undefined) {
    try {
      real = await fs.realpath(existing);
    } catch (err) {
      if (!isMissing(err)) throw err;
      // A dangling symlink is not "missing": it points somewhere we will not follow.
      const isLink = await fs.lstat(existing).then((s) => s.isSymbolicLink(), () => false);
      if (isLink || existing === mapped.areaRoot) throw new NotFoundError(`${mapped.visible} does not exist`);
      tail.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
  const resolved = path.join(real, ...tail);
  const root = realRoots.find((r) => inside(r, resolved));
  if (root === undefined) throw new NotFoundError(`${mapped.visible} does not exist`);
  return { real: options.followLast || mapped.host === mapped.areaRoot ? resolved : path.join(resolved, base), root };
}
