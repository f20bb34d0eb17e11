import type { Config } from '../../config.js';
import { taskLogName, taskLogRotation, type TaskLogKind } from '../../domain/task-log.js';
import type { UserRow } from '../../store/users-store.js';
import type { FollowBatch } from '../logs/log-follower.js';
import { LogFiles, type LogDownload, type LogFileStat, type LogTail } from '../logs/log-files.js';

export interface TaskLogFile extends LogFileStat {
  readonly rotation: number;
  readonly compressed: boolean;
}

export interface TaskLogRef {
  readonly kind: TaskLogKind;
  readonly id: number;
}

/** The name of a task's log at `rotation`: the scheme is fixed (.1 plain, .2 on gzipped; ingress/log-rotation.ts). */
function nameAt(ref: TaskLogRef, rotation: number): string {
  const base = taskLogName(ref.kind, ref.id);
  return rotation === 0 ? base : rotation === 1 ? `${base}.1` : `${base}.${rotation}.gz`;
}

/**
 * A task's log, live and rotated, for the log viewer: the same answers as
 * the web-app logs (services/logs/log-service.ts), read the same way
 * (LogFiles: only the task's own names, never through a link).
 */
export class TaskLogReader {
  private readonly files: LogFiles;

  constructor(config: Config) {
    this.files = new LogFiles(config);
  }

  async list(owner: UserRow, ref: TaskLogRef): Promise<TaskLogFile[]> {
    const out = await this.files.list(owner, (name) => taskLogRotation(ref.kind, ref.id, name));
    return out.sort((a, b) => a.rotation - b.rotation);
  }

  tail(owner: UserRow, ref: TaskLogRef, lines: number, rotation: number): Promise<LogTail> {
    return this.files.tail(owner, nameAt(ref, rotation), lines, rotation);
  }

  openForDownload(owner: UserRow, ref: TaskLogRef, rotation: number): Promise<LogDownload> {
    return this.files.openForDownload(owner, nameAt(ref, rotation));
  }

  /** Lines appended from `offset` on (null: from the end now), until `signal` aborts. */
  follow(owner: UserRow, ref: TaskLogRef, offset: number | null, signal: AbortSignal): Promise<AsyncGenerator<FollowBatch>> {
    return this.files.follow(owner, taskLogName(ref.kind, ref.id), offset, signal);
  }
}
