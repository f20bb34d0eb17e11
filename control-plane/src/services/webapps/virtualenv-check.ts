import path from 'node:path';
import type { Config } from '../../config.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { pyvenvVersion, virtualenvMismatch } from '../../domain/python-versions.js';
import { DirHandle } from '../../lib/beneath.js';
import { readOwnedFile } from '../../lib/no-follow.js';
import { mapVisiblePath } from '../../lib/path-confinement.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';

/** pyvenv.cfg is a few lines; anything larger is not one venv wrote. */
const MAX_PYVENV_BYTES = 16 * 1024;

/**
 * Why the app's virtualenv cannot serve it, when it was made with another
 * Python than the app runs (its pyvenv.cfg says so); null when it suits,
 * when there is none, or when this cannot tell (no pyvenv.cfg, a link on
 * the way: the gateway's own check in the container speaks then).
 *
 * The virtualenv is the user's folder and the api runs as root: every
 * folder on the way is opened without following links (DirHandle), and
 * pyvenv.cfg only as a regular file of the user's (readOwnedFile), so that
 * a link planted there reads nothing it points at.
 */
export function virtualenvProblem(config: Config, owner: UserRow, app: WebappRow): string | null {
  if (app.virtualenv_path === null) return null;
  let mapped;
  try {
    mapped = mapVisiblePath(owner.username, userDirs(config.dataDir, owner.username), app.virtualenv_path);
  } catch {
    return null;
  }
  const segments = path.relative(mapped.areaRoot, mapped.host).split(path.sep).filter((s) => s !== '');
  let text: string | null;
  try {
    const dir = DirHandle.open(mapped.areaRoot, segments);
    try {
      text = readOwnedFile(dir.path('pyvenv.cfg'), uidFor(config.uidBase, owner.id), MAX_PYVENV_BYTES);
    } finally {
      dir.close();
    }
  } catch {
    return null;
  }
  return text === null ? null : virtualenvMismatch(app.virtualenv_path, pyvenvVersion(text), app.python_version);
}
