// Apps that go silent (PYHOST_APP_TIMEOUT_SECONDS) are found by one sweep a
// second over the exchanges waiting on an app, rather than by a timer per
// socket that every read and write would re-arm.

/** An exchange waiting on an app (proxy.ts). */
export interface WaitingOnApp {
  /** Whether the app has said nothing for too long. */
  silentSince(now: number): boolean;
  upstreamTimedOut(): void;
}

export const silenceWatch = new Set<WaitingOnApp>();
setInterval(() => {
  const now = Date.now();
  for (const exchange of silenceWatch) if (exchange.silentSince(now)) exchange.upstreamTimedOut();
}, 1000).unref();
