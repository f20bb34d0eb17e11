import type { WebappStatus } from '../../domain/webapp-status.js';
import { gateway } from '../../runtime/index.js';
import type { WebappRow, WebappsStore } from '../../store/webapps-store.js';

/** What the control plane last saw of an app's active container. */
type Observed = 'starting' | 'running' | 'failed' | 'down';

const STARTUP_WATCH_MS = 60_000;

/**
 * What the API reports about each web app's container: the store says what
 * is wanted (enabled, crashed), this remembers what was last seen of the
 * active container (in memory: after a restart of the api it is learned
 * again from each gateway).
 */
export class WebappHealth {
  private readonly observed = new Map<number, Observed>();
  /** When each app was last seen starting or starting to serve (an idle app's time to sleep counts from then). */
  private readonly changedAt = new Map<number, number>();
  private stopped = false;

  constructor(private readonly store: WebappsStore) {}

  /** The api is closing: no more watching (the store goes away with it). */
  stop(): void {
    this.stopped = true;
  }

  status(app: WebappRow): WebappStatus {
    const last_reload =
      app.last_reload_at === null
        ? null
        : { at: app.last_reload_at, duration_ms: app.last_reload_ms ?? 0, ok: app.last_reload_ok === 1, error: app.last_reload_error };
    if (!app.enabled) return { state: 'disabled', last_reload };
    if (app.crashed_reason) return { state: 'crashed', last_reload };
    if (app.sleeping_since !== null) return { state: 'sleeping', last_reload };
    const seen = this.observed.get(app.id);
    const state = seen === 'running' ? 'running' : seen === 'starting' ? 'starting' : seen === 'failed' ? 'crashed' : 'stopped';
    return { state, last_reload };
  }

  running(webappId: number): void {
    this.see(webappId, 'running');
  }

  /** Whether its container is still starting: not yet serving, so not idle either. */
  isStarting(webappId: number): boolean {
    return this.observed.get(webappId) === 'starting';
  }

  /** When it was last seen starting or beginning to serve; 0 if not since this api started. */
  lastChange(webappId: number): number {
    return this.changedAt.get(webappId) ?? 0;
  }

  private see(webappId: number, state: Observed): void {
    this.observed.set(webappId, state);
    if (state === 'starting' || state === 'running') this.changedAt.set(webappId, Date.now());
  }

  forget(webappId: number): void {
    this.observed.delete(webappId);
    this.changedAt.delete(webappId);
  }

  /** A container of the app died: if it was the active generation, nothing serves now. */
  noteDown(webappId: number, generation: number): void {
    const app = this.store.byId(webappId);
    if (app && app.active_generation === generation) this.observed.set(webappId, 'down');
  }

  /** A new container serves the app from now on: watch its gateway until the app runs or fails. */
  starting(webappId: number, generation: number, runDir: string): void {
    this.see(webappId, 'starting');
    this.watch(webappId, generation, runDir);
  }

  /** After a control-plane restart: learn the state of a container that kept running. */
  async adopt(app: WebappRow, runDir: string): Promise<void> {
    if (this.observed.has(app.id)) return;
    const s = await gateway.status(runDir).catch(() => null);
    this.observed.set(app.id, s === null ? 'starting' : s.state === 'running' ? 'running' : s.state === 'failed' ? 'failed' : 'starting');
    if (s?.state !== 'running') this.watch(app.id, app.active_generation, runDir);
  }

  /** Polls the gateway of the active container until its app runs or fails, for the status shown in the API. */
  private watch(webappId: number, generation: number, runDir: string): void {
    const deadline = Date.now() + STARTUP_WATCH_MS;
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      const app = this.store.byId(webappId);
      if (!app || app.active_generation !== generation || this.observed.get(webappId) !== 'starting') return;
      const s = await gateway.status(runDir, 1000).catch(() => null);
      if (this.stopped) return;
      if (s?.state === 'running' || s?.state === 'failed') {
        this.see(webappId, s.state);
        return;
      }
      if (Date.now() < deadline) setTimeout(() => void tick(), 200).unref();
    };
    void tick();
  }
}
