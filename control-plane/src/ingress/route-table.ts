import path from 'node:path';
import { generationRunDir, uidFor, userDirs, websiteGenerationRunDir } from '../domain/layout.js';
import type { StaticFileRouteRow, WebappRouteRow, WebsiteRouteRow } from '../domain/route-snapshot.js';
import { normalizeHost } from './host.js';

// What the router knows about every host it serves, built from the rows
// the api publishes by a pure function (route-loader.ts does the reading).

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

export class RouteTable {
  /** Every parent domain of a host served here (made when first asked: only apps' Domain cookies ask). */
  private parents: Set<string> | null = null;
  /** The route keys (webappId) of the sleeping apps (made when first asked: the activity file asks, at most once a second). */
  private sleeping: Set<number> | null = null;

  constructor(
    private readonly routes: ReadonlyMap<string, Route>,
    /** The store's routes_version this table was built from. */
    readonly version: number,
  ) {}

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
    this.sleeping ??= new Set([...this.routes.values()].flatMap((r) => (r.kind === 'app' && r.sleeping ? [r.webappId] : [])));
    return this.sleeping.has(key);
  }

  get size(): number {
    return this.routes.size;
  }
}

export function buildRouteTable(
  settings: RouteTableSettings,
  version: number,
  webapps: readonly WebappRouteRow[],
  staticFiles: readonly StaticFileRouteRow[],
  websites: readonly WebsiteRouteRow[] = [],
): RouteTable {
  const byWebapp = new Map<number, StaticMapping[]>();
  for (const s of staticFiles) {
    const list = byWebapp.get(s.webapp_id) ?? [];
    list.push({ url: s.url, path: s.path });
    byWebapp.set(s.webapp_id, list);
  }
  const routes = new Map<string, Route>();
  for (const w of webapps) {
    const domain = normalizeHost(w.domain_name);
    const hasCredentials = w.password_protection_username !== null && w.password_protection_hash !== null;
    routes.set(domain, {
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
      staticFiles: (byWebapp.get(w.id) ?? []).sort((a, b) => b.url.length - a.url.length),
      accessLogFile: path.join(userDirs(settings.dataDir, w.username).log, `${domain}.access.log`),
      errorLogFile: path.join(userDirs(settings.dataDir, w.username).log, `${domain}.error.log`),
    });
  }
  for (const w of websites) {
    const domain = normalizeHost(w.domain_name);
    if (!routes.has(domain)) routes.set(domain, websiteRoute(settings, w, domain));
  }
  // The dashboard wins over anything else that claims its names.
  const api: ApiRoute = { kind: 'api' };
  routes.set(settings.domain, api);
  routes.set(`www.${settings.domain}`, api);
  return new RouteTable(routes, version);
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
