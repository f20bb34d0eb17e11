import { NotImplementedError } from '../../domain/errors.js';
import type { WebappStatus } from '../../domain/webapp-status.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappChanges, WebappRow, WebappsStore } from '../../store/webapps-store.js';
import type { WebappLifecycle } from './lifecycle.js';

/**
 * Keeps records only, running nothing: for an api started without a
 * container engine, and for fast tests of the API's shape.
 */
export class StoreOnlyLifecycle implements WebappLifecycle {
  constructor(
    private readonly store: WebappsStore,
    private readonly onRoutesChanged: () => void = () => {},
  ) {}

  async created(): Promise<void> {
    this.onRoutesChanged();
  }

  async changed(_owner: UserRow, before: WebappRow, changes: WebappChanges): Promise<WebappRow> {
    const after = this.store.update(before.id, changes);
    this.onRoutesChanged();
    return after;
  }

  async removed(app: WebappRow): Promise<void> {
    this.store.remove(app.id);
    this.onRoutesChanged();
  }

  async reload(): Promise<void> {
    throw new NotImplementedError('this Pyhost runs without a container engine, so web apps cannot be reloaded');
  }

  async enable(_owner: UserRow, app: WebappRow): Promise<void> {
    this.store.update(app.id, { enabled: 1 });
    this.onRoutesChanged();
  }

  async disable(_owner: UserRow, app: WebappRow): Promise<void> {
    this.store.update(app.id, { enabled: 0 });
    this.onRoutesChanged();
  }

  status(app: WebappRow): WebappStatus {
    return { state: app.enabled ? 'stopped' : 'disabled', last_reload: null };
  }

  activeRunDir(): string | null {
    return null;
  }

  routesChanged(): void {
    this.onRoutesChanged();
  }
}
