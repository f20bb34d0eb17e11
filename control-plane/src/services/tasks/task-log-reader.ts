import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Config } from '../../config.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { userDirs } from '../../domain/layout.js';
import { taskLogName, taskLogRotation, type TaskLogKind } from '../../domain/task-log.js';
import { confine, mapVisiblePath } from '../../lib/path-confinement.js';
import type { UserRow } from '../../store/users-store.js';
import { followLog, type FollowBatch } from '../logs/log-follower.js';
import { openLogFile, tailGzip, tailPlain } from '../logs/log-reader.js';
import { TAIL_MAX_BYTES, type LogTail } from '../logs/log-service.js';

export interface TaskLogFile {
  readonly name: string;
  readonly rotation: number;
  readonly compressed: boolean;
  readonly size: number;
  readonly modified: string;
}

export interface TaskLogRef {
  readonly kind: TaskLogKind;
  readonly id: number;
}

/**
 * A task's log, live and rotated, for the log viewer: the same answers as
 * the web-app logs (services/logs/log-service.ts), through the same
 * confinement (only the task's own names, never through a link).
 */
export class TaskLogReader {
  constructor(private readonly config: Config) {}

  private locate(owner: UserRow, name: string): Promise<string> {
    return confine(mapVisiblePath(owner.username, userDirs(this.config.dataDir, owner.username), `/var/log/${name}`), { followLast: false });
  }

  async list(owner: UserRow, ref: TaskLogRef): Promise<TaskLogFile[]> {
    const dir = userDirs(this.config.dataDir, owner.username).log;
    const out: TaskLogFile[] = [];
    for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
      const parsed = taskLogRotation(ref.kind, ref.id, name);
      const st = parsed && (await fsp.lstat(`${dir}/${name}`).catch(() => null));
      if (parsed && st?.isFile()) out.push({ name, ...parsed, size: st.size, modified: st.mtime.toISOString() });
    }
    return out.sort((a, b) => a.rotation - b.rotation);
  }

  private nameAt(ref: TaskLogRef, rotation: number): string {
    const base = taskLogName(ref.kind, ref.id);
    return rotation === 0 ? base : rotation === 1 ? `${base}.1` : `${base}.${rotation}.gz`;
  }

  async tail(owner: UserRow, ref: TaskLogRef, lines: number, rotation: number): Promise<LogTail> {
    const name = this.nameAt(ref, rotation);
    const handle = await openLogFile(await this.locate(owner, name));
    // No log before the first run is normal: an empty tail.
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
      return { file: name, offset: rotation === 0 ? size : 0, ...(await tailPlain(handle, size, lines, TAIL_MAX_BYTES)) };
    } finally {
      await handle.close();
    }
  }

  async openForDownload(owner: UserRow, ref: TaskLogRef, rotation: number): Promise<{ name: string; size: number; stream: Readable }> {
    const name = this.nameAt(ref, rotation);
    const handle = await openLogFile(await this.locate(owner, name));
    if (!handle) throw new NotFoundError(`/var/log/${name} does not exist`);
    const { size } = await handle.stat();
    if (size === 0) {
      await handle.close();
      return { name, size, stream: Readable.from([]) };
    }
    return { name, size, stream: handle.createReadStream({ start: 0, end: size - 1 }) };
  }

  /** Lines appended from `offset` on (null: from the end now), until `signal` aborts. */
  async follow(owner: UserRow, ref: TaskLogRef, offset: number | null, signal: AbortSignal): Promise<AsyncGenerator<FollowBatch>> {
    const file = await this.locate(owner, taskLogName(ref.kind, ref.id));
    let start = offset;
    if (start === null) {
      const handle = await openLogFile(file);
      start = handle ? (await handle.stat()).size : 0;
      await handle?.close();
    }
    return followLog(file, { offset: start, signal });
  }
}
