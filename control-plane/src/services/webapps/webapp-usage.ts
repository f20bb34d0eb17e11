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

  /** The live log, then the newest rotated one while the window goes back further; false when the byte bound cut it short. */
  private async readAccessLog(owner: UserRow, app: WebappRow, window: UsageWindow, requests: RequestBuckets): Promise<boolean> {
    const stopBefore = window.startMs - LATE_LINE_MS;
    let budget = MAX_ACCESS_LOG_BYTES;
    for (const rotation of [0, 1]) {
      // A link or anything but a plain file in place of the log: read as no log at all.
      const handle = await this.logs.open(owner, logFileName(app.domain_name, 'access', rotation));
      if (!handle) continue;
      let older = false;
      try {
        const { size } = await handle.stat();
        const read = await linesBackwards(handle, size, budget, (line) => {
          const facts = parseAccessLine(line);
          if (!facts) return true;
          if (facts.timeMs < stopBefore) {
            older = true;
            return false;
          }
          requests.add(facts);
          return true;
        });
        budget -= read.bytesRead;
        if (read.cutShort) return false;
      } finally {
        await handle.close();
      }
      if (older) return true;
    }
    return true;
  }

  /**
   * Reloads and (re)starts as the gateway logs them in the server log when
   * a server begins to serve: every one in the period, whoever asked for it
   * (the Reload button, the API, auto-reload, the reconciler, the gateway
   * after a crash), and still there after an api restart. Read backwards
   * like the access log; the log's lines are in time order.
   */
  private async markers(owner: UserRow, app: WebappRow, window: UsageWindow): Promise<UsageMarker[]> {
    const markers: UsageMarker[] = [];
    let budget = MAX_SERVER_LOG_BYTES;
    for (const rotation of [0, 1]) {
      const handle = await this.logs.open(owner, logFileName(app.domain_name, 'server', rotation));
      if (!handle) continue;
      let older = false;
      try {
        const { size } = await handle.stat();
        const read = await linesBackwards(handle, size, budget, (line) => {
          const { timeMs, event } = parseServerLine(line);
          if (timeMs === null) return true;
          if (timeMs < window.startMs) {
            older = true;
            return false;
          }
          if (event !== null && timeMs < window.endMs) markers.push({ atMs: timeMs, kind: event });
          return true;
        });
        budget -= read.bytesRead;
        if (read.cutShort) break;
      } finally {
        await handle.close();
      }
      if (older) break;
    }
    return markers.reverse();
  }
}
