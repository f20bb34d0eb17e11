import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// GNU tar for a deleted account's files, run with an argument list (never a
// shell string). Packing never follows a symlink (no --dereference): a
// link in a home is archived as the link, and GNU tar walks the tree with
// openat and O_NOFOLLOW. Numeric owners and modes are kept as they were.

/** Thrown with what tar said; the caller says what it was doing. */
export class TarError extends Error {}

/** Packs `members`, each `[directory, entry]`, in order, into one gzipped tar at `file`. */
export async function packEntries(file: string, members: readonly (readonly [string, string])[]): Promise<void> {
  const args = ['--create', '--gzip', '--file', file, '--numeric-owner', '--preserve-permissions', '--sparse',
    '--warning=no-file-changed', '--warning=no-file-removed', '--warning=no-file-shrank'];
  // Positional, and never a `--` (after which tar reads every argument as a name, a later --directory too); --add-file takes a name starting with - as a name.
  for (const [dir, entry] of members) args.push(`--directory=${dir}`, `--add-file=${entry}`);
  try {
    await run('tar', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    // Exit status 1: "some files differ" (changed while read); nothing of the account runs any more.
    if ((err as { code?: unknown }).code === 1) return;
    throw new TarError(describe(err));
  }
}

/** The contents of one small member (the manifest, packed first). */
export async function readMember(file: string, member: string): Promise<string> {
  try {
    const { stdout } = await run('tar', ['--extract', '--gzip', '--file', file, '--to-stdout', '--occurrence=1', '--', member], { maxBuffer: 1024 * 1024 });
    return stdout;
  } catch (err) {
    throw new TarError(describe(err));
  }
}

/**
 * Unpacks `member` (a folder) into `dir`, with its numeric owners and modes.
 * GNU tar refuses members with `..` and strips leading slashes, and makes
 * a symlink only after every other member (so that no member is written
 * through one).
 */
export async function unpackMember(file: string, dir: string, member: string): Promise<void> {
  try {
    await run('tar', ['--extract', '--gzip', '--file', file, '--directory', dir, '--numeric-owner', '--same-owner', '--preserve-permissions', '--', member],
      { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new TarError(describe(err));
  }
}

function describe(err: unknown): string {
  const e = err as { stderr?: string; message?: string; code?: unknown };
  if (e.code === 'ENOENT') return 'the tar program is missing (install GNU tar)';
  return (e.stderr?.trim() || e.message || String(err)).slice(0, 2000);
}
