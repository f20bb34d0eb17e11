import path from 'node:path';
import { generationRunDir, uidFor, userDirs, websiteGenerationRunDir } from '../domain/layout.js';
import type { RouteChanges, StaticFileRouteRow, WebappRouteRow, WebsiteRouteRow } from '../domain/route-snapshot.js';
import { normalizeHost } from './host.js';

// What the router knows about every host it serves, built from the rows
// the api publishes (route-loader.ts does the reading).

export interface StaticMapping {
  /** URL prefix, e.g. /static/ (or one file, e.g. /robots.txt). */
  readonly url: string;
  /** Folder or file as the user sees it, e.g. /home/alice/site/static. */
  readonly path: string;
}

/** Who or what keeps a site from being served: an admin (its account), its owner, or its custom domain's DNS. */
export type DisabledBy = 'account' | 'owner' | 'dns';

export interface AppRoute {
  readonly kind: 'app';
  /** A web app's id; a website's id negated (docs/websites.md), so that the two kinds never share a key. */
  readonly webappId: number;
  readonly domain: string;
  readonly username: string;
  /** The user's uid: their access log is theirs. */
  readonly uid: number;
  /** Served: neither its owner disabled it nor an admin its owner's account, and its domain's DNS points here. */
  readonly enabled: boolean;
  /** Which page it answers when not enabled (availability()). */
  readonly disabledBy: DisabledBy | null;
  /** The active generation's app.sock; null before any container started. */
  readonly socketPath: string | null;
  /** Asleep: its requests are held while the api wakes it (docs/sleeping-apps.md). */
  readonly sleeping: boolean;
  /** Crashed until its next Reload: nothing will answer, so its 502 page is answered at once. */
  readonly crashed: boolean;
  readonly forceHttps: boolean;
  /** Strict-Transport-Security on its answers over HTTPS (the owner's opt-in: it binds browsers for a year). */
  readonly hsts: boolean;
  /** Basic auth credentials; a protected app without both refuses everyone. */
  readonly auth: { readonly username: string; readonly hash: string } | null;
  readonly protected: boolean;
  /** Longest URL first, so that the most specific mapping wins. */
  readonly staticFiles: readonly StaticMapping[];
  /** Host path of /var/log/<domain>.access.log. */
  readonly accessLogFile: string;
  /** Host path of /var/log/<domain>.error.log (the gateway's; the router only adds refusals). */
  readonly errorLogFile: string;
}

/** The dashboard hosts: served by the api, over the links it keeps open to the router (api-links.ts). */
export interface ApiRoute {
  readonly kind: 'api';
}

export type Route = AppRoute | ApiRoute;

export interface RouteTableSettings {
  readonly dataDir: string;
  readonly domain: string;
  readonly uidBase: number;
}

/**
 * The routes by host. Built whole from a table (buildRouteTable), then
 * patched in place by each change line (apply): a change costs the rows of
 * the sites it touched, whatever the number of sites. Every request looks
 * its route up afresh, so a patch is seen by the next lookup.
 */
export class RouteTable {
  private readonly routes = new Map<string, Route>();
  /** Each site's host, by route key (webappId): a patch finds the host a site had. */
  private readonly hostOf = new Map<number, string>();
  /** Every parent domain of a host served here (made when first asked: only apps' Domain cookies ask). */
  private parents: Set<string> | null = null;

  constructor(
    private readonly settings: RouteTableSettings,
    /** The store's routes_version this table is at. */
    public version: number,
  ) {
    // The dashboard wins over anything else that claims its names.
    const api: ApiRoute = { kind: 'api' };
    this.routes.set(settings.domain, api);
    this.routes.set(`www.${settings.domain}`, api);
  }

  /** A table of these routes and nothing else, not even the dashboard (a Compare servers run's router). */
  static of(routes: readonly AppRoute[], version: number): RouteTable {
    const table = new RouteTable({ dataDir: '/nonexistent', domain: '', uidBase: 0 }, version);
    table.routes.clear();
    for (const r of routes) table.set(r);
    return table;
  }

  /** The route for a raw Host header; undefined for hosts nobody serves. */
  lookup(hostHeader: string | undefined): Route | undefined {
    return this.routes.get(normalizeHost(hostHeader));
  }

  /** Whether a host served here is a subdomain of `domain` (normalised): a cookie for `domain` would reach it. */
  hasHostsBelow(domain: string): boolean {
    if (this.parents === null) {
      this.parents = new Set();
      for (const host of this.routes.keys()) {
        for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) this.parents.add(host.slice(dot + 1));
      }
    }
    return this.parents.has(domain);
  }

  /** Whether the app with this route key (webappId) sleeps now. */
  isAsleep(key: number): boolean {
    const host = this.hostOf.get(key);
    const route = host === undefined ? undefined : this.routes.get(host);
    return route?.kind === 'app' && route.sleeping;
  }

  get size(): number {
    return this.routes.size;
  }

  /** One change line: the sites it names are replaced by their new rows, or removed. */
  apply(changes: RouteChanges): void {
    for (const id of [...changes.removedWebapps, ...changes.webapps.map((w) => w.id)]) this.remove(id);
    for (const id of [...changes.removedWebsites, ...changes.websites.map((w) => w.id)]) this.remove(-id);
    this.add(changes.webapps, changes.staticFiles, changes.websites);
    this.version = changes.version;
  }

  /** Adds sites' routes; a web app wins a host over a website, and the dashboard's hosts over both. */
  add(webapps: readonly WebappRouteRow[], staticFiles: readonly StaticFileRouteRow[], websites: readonly WebsiteRouteRow[]): void {
    const byWebapp = new Map<number, StaticMapping[]>();
    for (const s of staticFiles) {
      const list = byWebapp.get(s.webapp_id) ?? [];
      list.push({ url: s.url, path: s.path });
      byWebapp.set(s.webapp_id, list);
    }
    for (const w of webapps) {
      const domain = normalizeHost(w.domain_name);
      const there = this.routes.get(domain);
      if (there?.kind === 'api') continue;
      if (there !== undefined) this.hostOf.delete(there.webappId);
      this.set(webappRoute(this.settings, w, domain, byWebapp.get(w.id) ?? []));
    }
    for (const w of websites) {
      const domain = normalizeHost(w.domain_name);
      if (!this.routes.has(domain)) this.set(websiteRoute(this.settings, w, domain));
    }
  }

  private set(route: AppRoute): void {
    this.routes.set(route.domain, route);
    this.hostOf.set(route.webappId, route.domain);
    this.parents = null;
  }

  private remove(key: number): void {
    const host = this.hostOf.get(key);
    if (host === undefined) return;
    this.hostOf.delete(key);
    const route = this.routes.get(host);
    if (route?.kind === 'app' && route.webappId === key) this.routes.delete(host);
    this.parents = null;
  }
}

export function buildRouteTable(
  settings: RouteTableSettings,
  version: number,
  webapps: readonly WebappRouteRow[],
  staticFiles: readonly StaticFileRouteRow[],
  websites: readonly WebsiteRouteRow[] = [],
): RouteTable {
  const table = new RouteTable(settings, version);
  table.add(webapps, staticFiles, websites);
  return table;
}

function webappRoute(settings: RouteTableSettings, w: WebappRouteRow, domain: string, staticFiles: StaticMapping[]): AppRoute {
  const hasCredentials = w.password_protection_username !== null && w.password_protection_hash !== null;
  const logDir = userDirs(settings.dataDir, w.username).log;
  return {
    kind: 'app',
    webappId: w.id,
    domain,
    username: w.username,
    uid: uidFor(settings.uidBase, w.user_id),
    ...availability(w),
    socketPath: w.active_generation > 0 ? path.join(generationRunDir(settings.dataDir, w.id, w.active_generation), 'app.sock') : null,
    sleeping: w.sleeping === 1,
    crashed: w.crashed === 1,
    forceHttps: w.force_https === 1,
    hsts: w.hsts_enabled === 1,
    protected: w.password_protection_enabled === 1,
    auth: w.password_protection_enabled === 1 && hasCredentials
      ? { username: w.password_protection_username!, hash: w.password_protection_hash! }
      : null,
    staticFiles: staticFiles.sort((a, b) => b.url.length - a.url.length),
    accessLogFile: path.join(logDir, `${domain}.access.log`),
    errorLogFile: path.join(logDir, `${domain}.error.log`),
  };
}

/**
 * Whether a site's route serves, and if not, why: its account's suspension
 * wins over its owner's switch, and both over its DNS (a site switched off
 * says so, whatever its DNS; a DNS page would send the owner to fix a
 * record that is not the reason).
 */
export function availability(w: Pick<WebappRouteRow, 'enabled' | 'account_disabled' | 'dns_pending'>): Pick<AppRoute, 'enabled' | 'disabledBy'> {
  const disabledBy: DisabledBy | null = w.account_disabled === 1 ? 'account' : w.enabled !== 1 ? 'owner' : w.dns_pending === 1 ? 'dns' : null;
  return { enabled: disabledBy === null, disabledBy };
}

/** A website is served like a web app without static files or protection: from the socket its command listens on. */
function websiteRoute(settings: RouteTableSettings, w: WebsiteRouteRow, domain: string): AppRoute {
  const logDir = userDirs(settings.dataDir, w.username).log;
  return {
    kind: 'app',
    webappId: -w.id,
    domain,
    username: w.username,
    uid: uidFor(settings.uidBase, w.user_id),
    ...availability(w),
    socketPath: w.active_generation > 0 ? path.join(websiteGenerationRunDir(settings.dataDir, w.id, w.active_generation), 'app.sock') : null,
    sleeping: false, // websites do not sleep
    crashed: w.crashed === 1,
    forceHttps: false,
    hsts: false,
    protected: false,
    auth: null,
    staticFiles: [],
    accessLogFile: path.join(logDir, `${domain}.access.log`),
    errorLogFile: path.join(logDir, `${domain}.error.log`),
  };
}
