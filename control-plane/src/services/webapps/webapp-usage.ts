import type { Config } from '../../config.js';
import { logFileName } from '../../domain/log-files.js';
import {
  RequestBuckets, parseAccessLine, parseServerLine, resourceBuckets, usageWindow,
  type RequestBucket, type ResourceBucket, type ServerEventKind, type UsagePeriod, type UsageWindow,
} from '../../domain/usage-buckets.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';
import { LogFiles } from '../logs/log-files.js';
import { linesBackwards } from '../logs/lines-backwards.js';
import type { WebappUsageRing } from './usage-ring.js';

/**
 * At most this much of the access logs is read for one answer (the live
 * file, then .1): a busy app's day may be more, and its oldest buckets
 * then say less than happened (`access_log_complete: false`).
 */
export const MAX_ACCESS_LOG_BYTES = 16 * 1024 * 1024;
/** The server log holds the app's own output too: its markers are looked for in at most this much of it. */
export const MAX_SERVER_LOG_BYTES = 4 * 1024 * 1024;
/**
 * Lines are written when their answer ends but carry the time the request
 * came in, so a slow request's line follows newer ones: reading goes on
 * this far past the window's start before it stops.
 */
const LATE_LINE_MS = 5 * 60_000;

export interface UsageMarker {
  readonly atMs: number;
  readonly kind: ServerEventKind;
}

export interface WebappUsageReport {
  readonly window: UsageWindow;
  readonly requests: RequestBucket[];
  readonly resources: ResourceBucket[];
  readonly markers: UsageMarker[];
  /** Every line of the window was read (not cut short by MAX_ACCESS_LOG_BYTES). */
  readonly accessLogComplete: boolean;
}

export interface WebappUsageDeps {
  readonly config: Config;
  readonly ring: Pick<WebappUsageRing, 'pointsOf'>;
  readonly clock: () => number;
}

/**
 * A web app's recent requests, response times, CPU and memory
 * (docs/usage-charts.md). Requests come from the tail of its access log,
 * read backwards only as far as the window goes; CPU and memory from the
 * ring the CPU meter's sweep fills.
 */
export class WebappUsage {
  private readonly logs: LogFiles;

  constructor(private readonly d: WebappUsageDeps) {
    this.logs = new LogFiles(d.config);
  }

  async of(owner: UserRow, app: WebappRow, period: UsagePeriod): Promise<WebappUsageReport> {
    const window = usageWindow(period, this.d.clock());
    const requests = new RequestBuckets(window);
    const accessLogComplete = await this.readAccessLog(owner, app, window, requests);
    return {
      window,
      requests: requests.buckets(),
      resources: resourceBuckets(window, this.d.ring.pointsOf(app.id, window.startMs)),
      markers: await this.markers(owner, app, window),
      accessLogComplete,
    };
  }

  /** Its access log's lines in the window; false when the byte bound cut the reading short. */
  private readAccessLog(owner: UserRow, app: WebappRow, window: UsageWindow, requests: RequestBuckets): Promise<boolean> {
    const stopBefore = window.startMs - LATE_LINE_MS;
    return this.linesBackwards(owner, app, 'access', MAX_ACCESS_LOG_BYTES, (line) => {
      const facts = parseAccessLine(line);
      if (!facts) return true;
      if (facts.timeMs < stopBefore) return false;
      requests.add(facts);
      return true;
    });
  }

  /**
   * Reloads and (re)starts as the gateway logs them in the server log when
   * a server begins to serve: every one in the period, whoever asked for it
   * (the Reload button, the API, auto-reload, the reconciler, the gateway
   * after a crash), and still there after an api restart. The log's lines
   * are in time order.
   */
  private async markers(owner: UserRow, app: WebappRow, window: UsageWindow): Promise<UsageMarker[]> {
    const markers: UsageMarker[] = [];
    await this.linesBackwards(owner, app, 'server', MAX_SERVER_LOG_BYTES, (line) => {
      const { timeMs, event } = parseServerLine(line);
      if (timeMs === null) return true;
      if (timeMs < window.startMs) return false;
      if (event !== null && timeMs < window.endMs) markers.push({ atMs: timeMs, kind: event });
      return true;
    });
    return markers.reverse();
  }

  /**
   * One of the app's logs, newest line first: the live file, then the newest
   * rotated one while `onLine` wants older lines (it answers false at the
   * first line before the window), within `maxBytes` for both. A link or
   * anything but a plain file in place of a log reads as no log at all.
   * Resolves false when the byte bound cut the reading short.
   */
  private async linesBackwards(owner: UserRow, app: WebappRow, kind: 'access' | 'server', maxBytes: number, onLine: (line: string) => boolean): Promise<boolean> {
    let budget = maxBytes;
    for (const rotation of [0, 1]) {
      const handle = await this.logs.open(owner, logFileName(app.domain_name, kind, rotation));
      if (!handle) continue;
      try {
        let older = false;
        const read = await linesBackwards(handle, (await handle.stat()).size, budget, (line) => {
          if (onLine(line)) return true;
          older = true;
          return false;
        });
        budget -= read.bytesRead;
        if (read.cutShort) return false;
        if (older) return true;
      } finally {
        await handle.close();
      }
    }
    return true;
  }
}
