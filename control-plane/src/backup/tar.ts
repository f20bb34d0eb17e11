import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BackupError } from './manifest.js';

const run = promisify(execFile);

// GNU tar, run with an argument list (never a shell string). It keeps what
// users' files need and a copy does not: numeric owners (every user has their
// own uid), modes, symlinks inside a home, sparse virtualenv files.

/** Packs `dataDir/<entry>` (or several) into a gzipped tar; files changing while it reads (logs) are not an error. */
export async function packFolder(dataDir: string, entry: string | readonly string[], archive: string): Promise<void> {
  try {
    await run('tar', ['--create', '--gzip', '--file', archive, '--numeric-owner', '--preserve-permissions', '--sparse',
      '--warning=no-file-changed', '--warning=no-file-removed', '--warning=no-file-shrank', '--directory', dataDir, '--', ...(typeof entry === 'string' ? [entry] : entry)],
    { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    // Exit status 1: "some files differ" (written while read) — expected for an online backup.
    if ((err as { code?: unknown }).code === 1) return;
    throw new BackupError(`tar could not pack ${String(entry)}: ${describe(err)}`);
  }
}

/** An archive with nothing in it, for an instance that has no users folder yet. */
export async function packNothing(archive: string): Promise<void> {
  try {
    await run('tar', ['--create', '--gzip', '--file', archive, '--files-from', '/dev/null']);
  } catch (err) {
    throw new BackupError(`tar could not write ${archive}: ${describe(err)}`);
  }
}

/** Unpacks an archive into `dataDir`, keeping the numeric owners and modes it was made with. */
export async function unpack(archive: string, dataDir: string): Promise<void> {
  try {
    await run('tar', ['--extract', '--gzip', '--file', archive, '--numeric-owner', '--preserve-permissions',
      '--directory', dataDir], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new BackupError(`tar could not unpack ${archive}: ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  const e = err as { stderr?: string; message?: string; code?: unknown };
  if (e.code === 'ENOENT') return 'the tar program is missing (install GNU tar)';
  return (e.stderr?.trim() || e.message || String(err)).slice(0, 2000);
}
