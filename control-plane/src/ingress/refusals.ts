import { appendOwnedLine, type UnsafePathError } from '../lib/no-follow.js';
import type { AppRoute } from './route-table.js';
import type { RouterLog } from './router-log.js';

/** An app that keeps planting the wrong thing gets one line per this interval, not one per request. */
const MIN_GAP_MS = 10_000;

/**
 * When the router refuses to connect to what an app left at its socket's
 * place (a symlink, a file, someone else's socket), the app's owner reads
 * why in the app's error log, in the gateway's line format, and the
 * operator in the router's log.
 */
export class Refusals {
  private readonly lastNoted = new Map<number, number>();

  constructor(private readonly log: RouterLog) {}

  note(route: AppRoute, err: UnsafePathError): void {
    const now = Date.now();
    if (now - (this.lastNoted.get(route.webappId) ?? 0) < MIN_GAP_MS) return;
    if (this.lastNoted.size > 10_000) this.lastNoted.clear();
    this.lastNoted.set(route.webappId, now);
    this.log.warn({ webapp: route.domain, user: route.username, why: err.message }, 'refused to connect to an app socket that is not the app\'s own');
    const line =
      `${gatewayStamp(now)}: [pyhost] the router refused to connect: /run/pyhost/app.sock ${err.reason}. ` +
      'Only the app\'s own server may listen there; visitors get a 502 page until it does (Reload starts it again).\n';
    appendOwnedLine(route.errorLogFile, [route.uid], line);
  }
}

/** `2026-12-01 09:40:00,123`, as the gateway starts its lines (UTC). */
export function gatewayStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}
