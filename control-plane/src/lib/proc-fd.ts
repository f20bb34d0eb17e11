import fs from 'node:fs';

// Paths that name an open file descriptor: `/proc/self/fd/<fd>/<name>`.
// The kernel resolves `/proc/self/fd/<fd>` to exactly the file the
// descriptor refers to, whatever has been renamed or replaced since, so an
// operation on `<name>` through it acts inside that very directory — the
// openat(2) family, which Node does not expose. Pyhost's privileged
// processes reach users' files and sockets only this way: a directory is
// opened without following links, and whatever the user swaps in afterwards
// cannot redirect what comes next.

/** open(2)'s O_PATH (Linux): a handle on the file itself, for fstat and /proc/self/fd paths. */
export const O_PATH = 0o10000000;
/** A directory handle that never follows a symlink: a link in its place fails with ENOTDIR. */
export const DIR_NOFOLLOW = O_PATH | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/**
 * `/proc/self/fd/<fd>`, or `/proc/self/fd/<fd>/<name>` for one entry of that
 * directory. `name` is a single path component: anything that could walk
 * further (a slash, `.`, `..`, NUL) is refused, because intermediate
 * components of a path would follow symlinks again.
 */
export function fdPath(fd: number, name?: string): string {
  if (name === undefined) return `/proc/self/fd/${fd}`;
  if (!isEntryName(name)) throw new Error(`not a single file name: ${JSON.stringify(name)}`);
  return `/proc/self/fd/${fd}/${name}`;
}

export function isEntryName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}
