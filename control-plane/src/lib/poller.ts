/**
 * Runs a check now and then at a fixed interval until stopped, without
 * keeping the process alive for it. The router and the api hand each other
 * state through files (routes.json, tls/index.json) that each side polls:
 * a stat every few tens of milliseconds costs less than a watcher that
 * must survive the file being replaced by rename.
 */
export class Poller {
  private timer: NodeJS.Timeout | null = null;

  /** Starts (or restarts) polling: `check` runs once at once, then every `everyMs`. */
  start(everyMs: number, check: () => void): void {
    this.stop();
    check();
    this.timer = setInterval(check, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
