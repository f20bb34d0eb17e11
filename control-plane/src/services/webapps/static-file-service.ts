import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { checkStaticUrl } from '../../domain/webapp-rules.js';
import type { StaticFileCreate, StaticFilePatch } from '../../schemas/webapps.js';
import type { UserRow } from '../../store/users-store.js';
import type { StaticFileRow, WebappRow, WebappsStore } from '../../store/webapps-store.js';
import type { WebappSettings } from './webapp-settings.js';

/**
 * A web app's static file mappings (URL prefix → folder or file of the
 * user's), which the router serves itself. The router's table follows the
 * store by itself.
 */
export class StaticFileService {
  constructor(
    private readonly store: WebappsStore,
    private readonly settings: WebappSettings,
  ) {}

  list(app: WebappRow): StaticFileRow[] {
    return this.store.staticFiles(app.id);
  }

  get(app: WebappRow, id: number): StaticFileRow {
    const row = this.store.staticFile(app.id, id);
    if (!row) throw new NotFoundError(`no static file mapping ${id}`);
    return row;
  }

  add(owner: UserRow, app: WebappRow, input: StaticFileCreate): StaticFileRow {
    const url = checkStaticUrl(input.url);
    const target = this.target(owner, input.path);
    if (this.store.staticFileByUrl(app.id, url)) throw new ConflictError(`a static file mapping for ${url} exists already`);
    return this.store.insertStaticFile(app.id, url, target);
  }

  update(owner: UserRow, app: WebappRow, id: number, input: StaticFilePatch): StaticFileRow {
    const current = this.get(app, id);
    const url = input.url === undefined ? current.url : checkStaticUrl(input.url);
    const target = input.path === undefined ? current.path : this.target(owner, input.path);
    const clash = this.store.staticFileByUrl(app.id, url);
    if (clash && clash.id !== id) throw new ConflictError(`a static file mapping for ${url} exists already`);
    return this.store.updateStaticFile(app.id, id, { url, path: target });
  }

  remove(app: WebappRow, id: number): void {
    if (!this.store.removeStaticFile(app.id, id)) throw new NotFoundError(`no static file mapping ${id}`);
  }

  private target(owner: UserRow, value: string): string {
    const result = this.settings.userDirectory(owner, value, 'path');
    if (result === null) throw new ValidationError('path must be a folder or file in your files, e.g. /home/you/mysite/static', 'path');
    return result;
  }
}
