import fsp from 'node:fs/promises';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { DirHandle, lstatEntry } from '../../lib/beneath.js';
import { canChown } from '../accounts/user-dirs.js';
import { code, type Target } from './file-target.js';

/**
 * Opens t.root/segments, creating the folders that are missing (owned by
 * `uid`). Returns the last one, open; the caller closes it.
 */
export async function makeFolders(t: Target, segments: readonly string[], uid: number): Promise<DirHandle> {
  let dir = DirHandle.open(t.root);
  try {
    for (const segment of segments) {
      let next: DirHandle;
      try {
        next = dir.child(segment);
      } catch (err) {
        if (code(err) === 'ENOTDIR') {
          const st = await lstatEntry(dir, segment);
          if (st?.isSymbolicLink()) throw new NotFoundError(`${t.mapped.visible} does not exist`);
          throw new ValidationError(`a parent of ${t.mapped.visible} is a file, not a folder`, 'path');
        }
        if (code(err) !== 'ENOENT') throw err;
        await fsp.mkdir(dir.path(segment), { mode: 0o755 }).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
        // lchown names the entry itself: a link swapped in here is changed, not followed.
        if (canChown()) await fsp.lchown(dir.path(segment), uid, uid);
        next = dir.child(segment);
      }
      dir.close();
      dir = next;
    }
    return dir;
  } catch (err) {
    dir.close();
    throw err;
  }
}
