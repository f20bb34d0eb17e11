// The route table as the api hands it to the router: the rows the router
// needs and nothing else (no account, session or token data). The whole
// table goes to ingress/routes.json (when the api starts, and now and then
// to start afresh); each change after it is one line appended to
// ingress/routes.changes with just the rows it touched, so that a change
// costs both sides the rows of one site rather than those of every site.
// The router builds its lookup table from them (ingress/route-table.ts)
// and keeps serving the last good one while the api is down.

export interface WebappRouteRow {
  id: number;
  user_id: number;
  username: string;
  domain_name: string;
  enabled: number;
  /** 1 while the owner's account is disabled: the site answers a "disabled" page. */
  account_disabled: number;
  /** 1 while its custom domain's DNS does not point here yet: the router answers its "waiting for DNS" page. 0 in files written before it existed. */
  dns_pending: number;
  active_generation: number;
  /** 1 while asleep (no container): the router holds its requests and asks for it to wake (docs/sleeping-apps.md). Web apps only: websites do not sleep. 0 in files written before it existed. */
  sleeping: number;
  /** 1 while crashed until its next Reload: the router answers its 502 page at once rather than waiting for it. 0 in files written before it existed. */
  crashed: number;
  force_https: number;
  /** 1: the router adds Strict-Transport-Security to answers over HTTPS. 0 in files written before it existed. */
  hsts_enabled: number;
  password_protection_enabled: number;
  password_protection_username: string | null;
  password_protection_hash: string | null;
}

export interface StaticFileRouteRow {
  webapp_id: number;
  url: string;
  path: string;
}

/** A website's route (docs/websites.md): its domain to its active generation's socket. */
export type WebsiteRouteRow = Pick<
  WebappRouteRow,
  'id' | 'user_id' | 'username' | 'domain_name' | 'enabled' | 'account_disabled' | 'dns_pending' | 'active_generation' | 'crashed'
>;

export interface RouteSnapshot {
  /** The store's routes_version these rows are from. */
  readonly version: number;
  /** Names this whole table: the change lines written after it carry it (absent in files an older api wrote: no change lines apply). */
  readonly epoch?: string;
  readonly webapps: readonly WebappRouteRow[];
  readonly staticFiles: readonly StaticFileRouteRow[];
  /** Absent in files written before websites existed. */
  readonly websites?: readonly WebsiteRouteRow[];
}

const FORMAT = 2;

export function serializeSnapshot(snapshot: RouteSnapshot): string {
  return JSON.stringify({ format: FORMAT, version: snapshot.version, epoch: snapshot.epoch, webapps: snapshot.webapps, static_files: snapshot.staticFiles, websites: snapshot.websites ?? [] });
}

/**
 * One change of the table: the current rows of the sites it touched (a web
 * app's with all its static mappings) and the ids of those that are gone.
 */
export interface RouteChanges {
  /** The whole table (RouteSnapshot.epoch) this change follows. */
  readonly epoch: string;
  /** The store's routes_version after it. */
  readonly version: number;
  readonly webapps: readonly WebappRouteRow[];
  /** Every static mapping of the web apps in `webapps`. */
  readonly staticFiles: readonly StaticFileRouteRow[];
  readonly websites: readonly WebsiteRouteRow[];
  readonly removedWebapps: readonly number[];
  readonly removedWebsites: readonly number[];
}

/** One line of ingress/routes.changes, newline included. */
export function serializeChanges(c: RouteChanges): string {
  return `${JSON.stringify({ format: FORMAT, epoch: c.epoch, version: c.version, webapps: c.webapps, static_files: c.staticFiles, websites: c.websites, removed_webapps: c.removedWebapps, removed_websites: c.removedWebsites })}\n`;
}

/** The JSON object of a file or line in FORMAT with a version, or SnapshotFormatError. */
function ofFormat(text: string, what: string): Record<string, unknown> & { version: number } {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new SnapshotFormatError(`${what} is not JSON`);
  }
  const r = o as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || r.format !== FORMAT || !isInt(r.version)) throw new SnapshotFormatError(`${what} is of an unknown format`);
  return r as Record<string, unknown> & { version: number };
}

/** Parses a line serializeChanges wrote (without its newline); throws SnapshotFormatError on anything else. */
export function parseChanges(line: string): RouteChanges {
  const o = ofFormat(line, 'a change line');
  if (!isStr(o.epoch)) throw new SnapshotFormatError('a change line names no table');
  const ids = (v: unknown) => {
    if (!Array.isArray(v) || !v.every(isInt)) throw new SnapshotFormatError('a change line\'s removed ids are malformed');
    return v as number[];
  };
  if (!Array.isArray(o.webapps) || !Array.isArray(o.static_files) || !Array.isArray(o.websites)) throw new SnapshotFormatError('a change line\'s rows are missing');
  return {
    epoch: o.epoch,
    version: o.version,
    webapps: o.webapps.map(webappRow),
    staticFiles: o.static_files.map(staticRow),
    websites: o.websites.map(websiteRow),
    removedWebapps: ids(o.removed_webapps),
    removedWebsites: ids(o.removed_websites),
  };
}

export class SnapshotFormatError extends Error {}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
/** Columns added after format 2 was fixed: absent in the files an older api wrote, and then 0. */
const isIntOrAbsent = (v: unknown): boolean => v === undefined || isInt(v);
const zeroIfAbsent = (r: Record<string, unknown>, ...columns: string[]) => ({ ...r, ...Object.fromEntries(columns.map((c) => [c, r[c] ?? 0])) });

function webappRow(v: unknown): WebappRouteRow {
  const r = v as Record<string, unknown>;
  const ok =
    typeof r === 'object' && r !== null &&
    isInt(r.id) && isInt(r.user_id) && isStr(r.username) && isStr(r.domain_name) && isInt(r.enabled) && isInt(r.account_disabled) && isIntOrAbsent(r.dns_pending) &&
    isInt(r.active_generation) && isIntOrAbsent(r.sleeping) && isIntOrAbsent(r.crashed) && isInt(r.force_https) && isIntOrAbsent(r.hsts_enabled) && isInt(r.password_protection_enabled) &&
    isStrOrNull(r.password_protection_username) && isStrOrNull(r.password_protection_hash);
  if (!ok) throw new SnapshotFormatError('a web app row is malformed');
  return zeroIfAbsent(r, 'dns_pending', 'hsts_enabled', 'sleeping', 'crashed') as unknown as WebappRouteRow;
}

function staticRow(v: unknown): StaticFileRouteRow {
  const r = v as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || !isInt(r.webapp_id) || !isStr(r.url) || !isStr(r.path)) {
    throw new SnapshotFormatError('a static file row is malformed');
  }
  return r as unknown as StaticFileRouteRow;
}

function websiteRow(v: unknown): WebsiteRouteRow {
  const r = v as Record<string, unknown>;
  const ok = typeof r === 'object' && r !== null && isInt(r.id) && isInt(r.user_id) && isStr(r.username) && isStr(r.domain_name) &&
    isInt(r.enabled) && isInt(r.account_disabled) && isIntOrAbsent(r.dns_pending) && isInt(r.active_generation) && isIntOrAbsent(r.crashed);
  if (!ok) throw new SnapshotFormatError('a website row is malformed');
  return zeroIfAbsent(r, 'dns_pending', 'crashed') as unknown as WebsiteRouteRow;
}

/** Parses what serializeSnapshot wrote; throws SnapshotFormatError on anything else. */
export function parseSnapshot(text: string): RouteSnapshot {
  const o = ofFormat(text, 'the route table');
  if (!Array.isArray(o.webapps) || !Array.isArray(o.static_files)) throw new SnapshotFormatError('rows missing');
  if (o.websites !== undefined && !Array.isArray(o.websites)) throw new SnapshotFormatError('websites malformed');
  if (o.epoch !== undefined && !isStr(o.epoch)) throw new SnapshotFormatError('epoch malformed');
  const websites = Array.isArray(o.websites) ? o.websites.map(websiteRow) : [];
  return { version: o.version, ...(o.epoch === undefined ? {} : { epoch: o.epoch }), webapps: o.webapps.map(webappRow), staticFiles: o.static_files.map(staticRow), websites };
}
