import type { UnsafePathError } from '../lib/no-follow.js';
import type { CookieScreen } from './upstream-response.js';
import type { UpstreamUser } from './upstream-socket.js';

// What proxy.ts is given for a request: where it goes (the target), the
// limits it waits within (the context), and whom it tells how it ended.

export interface ProxyContext {
  readonly waitMs: number;
  readonly timeoutMs: number;
  /** Asks the route loader to look at the store now (a socket went missing). */
  refreshRoutes(): void;
}

export type FailureKind = 'unreachable' | 'timeout' | 'refused';

export interface ProxyTarget {
  /**
   * Asks for a connection for `user`, found again on every attempt: true
   * when it has one or waits in line for one (the pool calls back), false
   * while there is nothing to connect to (an app starting, the api
   * restarting).
   */
  acquire(user: UpstreamUser): boolean;
  /** True when nothing will answer however long the request waits (an app crashed until its next Reload): its failure page now. */
  down?(): boolean;
  /** True when the request is held for an app waking from sleep: it is looked at again every WAKE_RETRY_MS rather than backing off. */
  waking?(): boolean;
  /** What to answer when the target stays unreachable, does not answer in time, or is refused. */
  failurePage(kind: FailureKind): { status: number; html: string };
  /** The socket there is not the target's own (a symlink, another uid's): tell whoever must know. */
  refused(err: UnsafePathError): void;
  /** Which Set-Cookie headers of the target's responses reach the client; all of them without. */
  readonly cookies?: CookieScreen;
}

/** Called once per request with what the client got (status 499: it left first). */
export type ProxyDone = (status: number, bytes: number) => void;
