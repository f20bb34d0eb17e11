import fsp, { type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { userDirs } from '../../domain/layout.js';
import { confine, mapVisiblePath } from '../../lib/path-confinement.js';
import type { UserRow } from '../../store/users-store.js';
import { followLog, type FollowBatch } from './log-follower.js';
import { openLogFile, tailGzip, tailPlain, type Tail } from './log-reader.js';

export interface LogTail extends Tail {
  readonly file: string;
  /** Where a live tail should continue (the file's size when read); 0 for rotated files. */
  readonly offset: number;
}

/** What the listing says of every file, beside what the caller's name parser found. */
export interface LogFileStat {
  readonly name: string;
  readonly size: number;
  readonly modified: string;
}

export interface LogDownload {
  readonly name: string;
  readonly size: number;
  readonly stream: Readable;
}

/** Reading is bounded: at most this much of a file's end is read for a tail. */
export const TAIL_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The files in a user's /var/log, by name, for every log viewer (web apps,
 * tasks). The folder is the user's to change and the api runs as root, so
 * a name is confined like the files API's paths without following its last
 * component, and every open refuses links and FIFOs (openLogFile). Callers
 * decide which names are theirs; nothing here takes a name from a request.
 */
export class LogFiles {
  constructor(private readonly config: Config) {}

  /** The host path of /var/log/<name>, checked to be inside the user's /var/log. */
  private locate(owner: UserRow, name: string): Promise<string> {
    const mapped = mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), `/var/log/${name}`);
    return confine(mapped, { followLast: false });
  }

  /** Opens /var/log/<name> for reading as tail() does (confined, never through a link); null when there is no plain file. */
  async open(owner: UserRow, name: string): Promise<FileHandle | null> {
    return openLogFile(await this.locate(owner, name));
  }

  /** The plain files of /var/log that `parse` recognises (links are skipped), in the folder's order. */
  async list<T extends object>(owner: UserRow, parse: (name: string) => T | null): Promise<(LogFileStat & T)[]> {
    const dir = userDirs(this.config.dataDir, owner.username).log;
    const out: (LogFileStat & T)[] = [];
    for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
      const parsed = parse(name);
      if (!parsed) continue;
      const st = await fsp.lstat(`${dir}/${name}`).catch(() => null);
      if (!st?.isFile()) continue;
      out.push({ name, ...parsed, size: st.size, modified: st.mtime.toISOString() });
    }
    return out;
  }

  /** The last lines of a file; `rotation` 0 is the live one, where a missing file is an empty tail. */
  async tail(owner: UserRow, name: string, lines: number, rotation: number): Promise<LogTail> {
    const handle = await openLogFile(await this.locate(owner, name));
    // No log yet is normal (a new app, a task before its first run): an empty tail, not an error.
    if (!handle) {
      if (rotation === 0) return { file: name, lines: [], truncated: false, offset: 0 };
      throw new NotFoundError(`/var/log/${name} does not exist`);
    }
    try {
      if (name.endsWith('.gz')) {
        const tail = await tailGzip(handle, lines, TAIL_MAX_BYTES).catch((err: unknown) => {
          if ((err as { code?: string }).code?.startsWith('Z_')) throw new ValidationError(`/var/log/${name} is not a valid gzip file`, 'rotation');
          throw err;
        });
        return { file: name, offset: 0, ...tail };
      }
      const { size } = await handle.stat();
      const tail = await tailPlain(handle, size, lines, TAIL_MAX_BYTES);
      return { file: name, offset: rotation === 0 ? size : 0, ...tail };
    } finally {
      await handle.close();
    }
  }

  /** Opens a log file (gzipped ones as they are) for download. */
  async openForDownload(owner: UserRow, name: string): Promise<LogDownload> {
    const handle = await openLogFile(await this.locate(owner, name));
    if (!handle) throw new NotFoundError(`/var/log/${name} does not exist`);
    const { size } = await handle.stat();
    if (size === 0) {
      await handle.close();
      return { name, size, stream: Readable.from([]) };
    }
    // Exactly `size` bytes, so Content-Length holds while the writer goes on.
    // The stream owns the handle from here and closes it when done or destroyed.
    return { name, size, stream: handle.createReadStream({ start: 0, end: size - 1 }) };
  }

  /** Lines appended to the live file from `offset` on (null: from its end now), until `signal` aborts. */
  async follow(owner: UserRow, name: string, offset: number | null, signal: AbortSignal): Promise<AsyncGenerator<FollowBatch>> {
    const file = await this.locate(owner, name);
    // "From the end" is fixed now, before the caller answers, so that no
    // line written after the request was answered can be missed.
    let start = offset;
    if (start === null) {
      const handle = await openLogFile(file);
      start = handle ? (await handle.stat()).size : 0;
      await handle?.close();
    }
    return followLog(file, { offset: start, signal });
  }
}
