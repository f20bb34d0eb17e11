import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { userDirs } from '../../domain/layout.js';
import { logFileName, parseLogFileName, type LogKind } from '../../domain/log-files.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';
import { followLog, type FollowBatch } from './log-follower.js';
import { openLogFile, tailGzip, tailPlain, type Tail } from './log-reader.js';
import { confine, mapVisiblePath } from '../../lib/path-confinement.js';

export interface LogFileInfo {
  readonly name: string;
  readonly kind: LogKind;
  readonly rotation: number;
  readonly compressed: boolean;
  readonly size: number;
  readonly modified: string;
}

export interface LogTail extends Tail {
  readonly file: string;
  /** Where a live tail should continue (the file's size when read); 0 for rotated files. */
  readonly offset: number;
}

/** Reading is bounded: at most this much of a file's end is read for a tail. */
export const TAIL_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A web app's access, error and server logs, current and rotated, read
 * through the same confinement as the files API: only names that belong to
 * the app, never through a symlink.
 */
export class LogService {
  constructor(private readonly config: Config) {}

  /** The host path of one of the app's log files, checked to be inside the user's /var/log. */
  private async locate(owner: UserRow, name: string): Promise<string> {
    const mapped = mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), `/var/log/${name}`);
    return confine(mapped, { followLast: false });
  }

  async list(owner: UserRow, app: WebappRow): Promise<LogFileInfo[]> {
    const dir = userDirs(this.config.dataDir, owner.username).log;
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    const out: LogFileInfo[] = [];
    for (const name of names) {
      const parsed = parseLogFileName(app.domain_name, name);
      if (!parsed) continue;
      const st = await fsp.lstat(`${dir}/${name}`).catch(() => null);
      if (!st?.isFile()) continue;
      out.push({ name, ...parsed, size: st.size, modified: st.mtime.toISOString() });
    }
    const order = { access: 0, error: 1, server: 2 };
    return out.sort((a, b) => order[a.kind] - order[b.kind] || a.rotation - b.rotation);
  }

  /** The name of the file for `kind` at `rotation`, whichever of .N and .N.gz exists. */
  private async resolveName(owner: UserRow, app: WebappRow, kind: LogKind, rotation: number): Promise<string> {
    if (rotation === 0) return logFileName(app.domain_name, kind);
    const files = await this.list(owner, app);
    const match = files.find((f) => f.kind === kind && f.rotation === rotation);
    if (!match) throw new NotFoundError(`${logFileName(app.domain_name, kind)} has no rotated file number ${rotation}`);
    return match.name;
  }

  async tail(owner: UserRow, app: WebappRow, kind: LogKind, lines: number, rotation = 0): Promise<LogTail> {
    const name = await this.resolveName(owner, app, kind, rotation);
    const handle = await openLogFile(await this.locate(owner, name));
    // No log yet is normal for a new app: an empty tail, not an error.
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
  async openForDownload(owner: UserRow, app: WebappRow, kind: LogKind, rotation: number): Promise<{ name: string; size: number; stream: Readable }> {
    const name = await this.resolveName(owner, app, kind, rotation);
    const handle = await openLogFile(await this.locate(owner, name));
    if (!handle) throw new NotFoundError(`/var/log/${name} does not exist`);
    const { size } = await handle.stat();
    if (size === 0) {
      await handle.close();
      return { name, size, stream: Readable.from([]) };
    }
    // Exactly `size` bytes, so Content-Length holds while the app keeps writing.
    // The stream owns the handle from here and closes it when done or destroyed.
    return { name, size, stream: handle.createReadStream({ start: 0, end: size - 1 }) };
  }

  /** Lines appended to the live log from `offset` on, until `signal` aborts. */
  async follow(owner: UserRow, app: WebappRow, kind: LogKind, offset: number | null, signal: AbortSignal): Promise<AsyncGenerator<FollowBatch>> {
    const file = await this.locate(owner, logFileName(app.domain_name, kind));
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
