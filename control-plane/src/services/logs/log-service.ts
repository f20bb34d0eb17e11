import type { Config } from '../../config.js';
import { NotFoundError } from '../../domain/errors.js';
import { logFileName, parseLogFileName, type LogKind } from '../../domain/log-files.js';
import type { UserRow } from '../../store/users-store.js';
import type { FollowBatch } from './log-follower.js';
import { LogFiles, type LogDownload, type LogFileStat, type LogTail } from './log-files.js';

export interface LogFileInfo extends LogFileStat {
  readonly kind: LogKind;
  readonly rotation: number;
  readonly compressed: boolean;
}

/**
 * A web app's access, error and server logs, current and rotated: only
 * names that belong to the app, read as LogFiles reads them (confined,
 * never through a symlink).
 */
/** A web app or a website: their logs are named alike, after the domain. */
export interface LoggedSite {
  readonly domain_name: string;
}

export class LogService {
  private readonly files: LogFiles;

  constructor(config: Config) {
    this.files = new LogFiles(config);
  }

  async list(owner: UserRow, app: LoggedSite): Promise<LogFileInfo[]> {
    const out = await this.files.list(owner, (name) => parseLogFileName(app.domain_name, name));
    const order = { access: 0, error: 1, server: 2 };
    return out.sort((a, b) => order[a.kind] - order[b.kind] || a.rotation - b.rotation);
  }

  /** The name of the file for `kind` at `rotation`, whichever of .N and .N.gz exists. */
  private async resolveName(owner: UserRow, app: LoggedSite, kind: LogKind, rotation: number): Promise<string> {
    if (rotation === 0) return logFileName(app.domain_name, kind);
    const files = await this.list(owner, app);
    const match = files.find((f) => f.kind === kind && f.rotation === rotation);
    if (!match) throw new NotFoundError(`${logFileName(app.domain_name, kind)} has no rotated file number ${rotation}`);
    return match.name;
  }

  async tail(owner: UserRow, app: LoggedSite, kind: LogKind, lines: number, rotation = 0): Promise<LogTail> {
    return this.files.tail(owner, await this.resolveName(owner, app, kind, rotation), lines, rotation);
  }

  async openForDownload(owner: UserRow, app: LoggedSite, kind: LogKind, rotation: number): Promise<LogDownload> {
    return this.files.openForDownload(owner, await this.resolveName(owner, app, kind, rotation));
  }

  /** Lines appended to the live log from `offset` on, until `signal` aborts. */
  async follow(owner: UserRow, app: LoggedSite, kind: LogKind, offset: number | null, signal: AbortSignal): Promise<AsyncGenerator<FollowBatch>> {
    return this.files.follow(owner, logFileName(app.domain_name, kind), offset, signal);
  }
}
