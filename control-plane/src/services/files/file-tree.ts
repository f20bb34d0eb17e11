import fsp from 'node:fs/promises';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { DirHandle, lstatEntry, withDir } from '../../lib/beneath.js';
import { code, TEMP_PREFIX, type Target } from './file-target.js';

const TREE_LIMIT = 20_000;

/** Every path below the folder `t` (folders end in /), as PythonAnywhere's files/tree answers. */
export async function fileTree(t: Target): Promise<string[]> {
  const segments = t.name === null ? [] : [...t.parents, t.name];
  const out: string[] = [];
  const walk = async (dir: DirHandle, visibleDir: string): Promise<void> => {
    const names = (await fsp.readdir(dir.path())).sort((a, b) => a.localeCompare(b));
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX)) continue;
      if (out.length >= TREE_LIMIT) {
        throw new ValidationError(`more than ${TREE_LIMIT} files under ${t.mapped.visible}; ask for a smaller folder`, 'path');
      }
      const visible = `${visibleDir}/${name}`;
      const st = await lstatEntry(dir, name).catch(() => null);
      // Symlinks are listed but never entered.
      if (st?.isDirectory()) {
        out.push(visible + '/');
        let child: DirHandle;
        try {
          child = dir.child(name);
        } catch {
          continue; // replaced by something else since the lstat
        }
        try {
          await walk(child, visible);
        } finally {
          child.close();
        }
      } else {
        out.push(visible);
      }
    }
  };
  try {
    await withDir(t.root, segments, (dir) => walk(dir, t.mapped.visible === '/' ? '' : t.mapped.visible));
  } catch (err) {
    if (code(err) === 'ENOTDIR') throw new ValidationError(`${t.mapped.visible} is a file, not a folder`, 'path');
    if (code(err) === 'ENOENT') throw new NotFoundError(`${t.mapped.visible} does not exist`);
    throw err;
  }
  return out;
}
