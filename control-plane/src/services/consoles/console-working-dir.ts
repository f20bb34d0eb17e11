import { expandHome } from '../../domain/console-rules.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { userDirs } from '../../domain/layout.js';
import { DirHandle } from '../../lib/beneath.js';
import { confineBeneath, mapVisiblePath } from '../../lib/path-confinement.js';

/**
 * The folder a console starts in, as the user sees it (the same path inside
 * the container). Null means the home folder. It must be one of the user's
 * own folders and exist: Docker refuses to start a process elsewhere, and
 * a clear 400 beats an engine error.
 */
export async function resolveWorkingDirectory(dataDir: string, username: string, raw: string | null): Promise<string> {
  if (raw === null || raw.trim() === '') return `/home/${username}`;
  const wanted = expandHome(raw.trim(), username);
  const dirs = userDirs(dataDir, username);
  try {
    const mapped = mapVisiblePath(username, dirs, wanted);
    const { root, segments } = await confineBeneath(mapped, { followLast: true });
    // Opened folder by folder without following links (the api is root; the folders are the user's).
    try {
      DirHandle.open(root, segments).close();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new ValidationError(`${mapped.visible} is not a folder`, 'working_directory');
      throw err;
    }
    return mapped.visible;
  } catch (err) {
    if (err instanceof ValidationError && err.field === 'working_directory') throw err;
    if (err instanceof ValidationError || err instanceof NotFoundError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      const why = err instanceof Error && !('code' in err) ? err.message : `${wanted} does not exist`;
      throw new ValidationError(why, 'working_directory');
    }
    throw err;
  }
}
