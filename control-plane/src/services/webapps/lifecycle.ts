import type { WebappStatus } from '../../domain/webapp-status.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappChanges, WebappRow } from '../../store/webapps-store.js';

/**
 * What happens to a web app's running server when its record changes. The
 * routes call this after the WebappService has validated input; the
 * implementation decides whether that means starting, replacing, reloading
 * or stopping a container.
 */
export interface WebappLifecycle {
  created(owner: UserRow, app: WebappRow): Promise<void>;
  /** Applies validated changes and returns the updated record. */
  changed(owner: UserRow, before: WebappRow, changes: WebappChanges): Promise<WebappRow>;
  removed(app: WebappRow): Promise<void>;
  reload(owner: UserRow, app: WebappRow): Promise<void>;
  enable(owner: UserRow, app: WebappRow): Promise<void>;
  disable(owner: UserRow, app: WebappRow): Promise<void>;
  status(app: WebappRow): WebappStatus;
  /** The run directory whose app.sock serves the app now, or null when none does. */
  activeRunDir(app: WebappRow): string | null;
  /** A static mapping or protection setting changed: the router's table is stale. */
  routesChanged(): void;
}
