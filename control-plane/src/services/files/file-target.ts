import { NotFoundError } from '../../domain/errors.js';
import type { MappedPath } from '../../lib/path-confinement.js';

// What every file operation starts from (file-service.ts): the path the
// user named, checked, and split into the folders to walk.

/** A path checked, then walked: the folder it is in and its own name (null for an area's root). */
export interface Target {
  readonly mapped: MappedPath;
  readonly real: string;
  readonly root: string;
  readonly parents: readonly string[];
  readonly name: string | null;
}

/** Uploads are written under this prefix first (file-service.ts); listings and trees leave such files out. */
export const TEMP_PREFIX = '.pyhost-upload-';

export function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** What to throw for `err` met walking to `t`: a folder on the way that is now a link or a file reads as "does not exist". */
export function walkError(err: unknown, t: Target): unknown {
  return code(err) === 'ENOENT' || code(err) === 'ENOTDIR' ? new NotFoundError(`${t.mapped.visible} does not exist`) : err;
}
