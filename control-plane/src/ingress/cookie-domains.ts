// Which of an app's cookies may reach the browser. A cookie with a Domain
// attribute is sent by browsers to that domain and every host below it, so
// an app could otherwise plant cookies on the dashboard (session fixation,
// login CSRF) or on other users' apps. The router lets a cookie through
// when it has no Domain (host-only: the app's own), or when its Domain is
// the app's own domain and no other host the router serves lies below it.
// Anything else, a malformed or empty Domain included, is dropped.

/** The hosts the router serves (route-table.ts). */
export interface ServedHosts {
  /** Whether some host the router serves is a subdomain of `domain`. */
  hasHostsBelow(domain: string): boolean;
}

/** Cheap test first: most cookies have no Domain attribute at all (this matches every one that has). */
const DOMAIN_ATTRIBUTE = /;[ \t]*domain[ \t]*=/i;
const WSP_EDGES = /^[ \t]+|[ \t]+$/g;

/** Whether a Set-Cookie header value from the app at `appDomain` (normalised, route-table.ts) may be passed on. */
export function cookieMayPass(setCookie: string, appDomain: string, hosts: ServedHosts): boolean {
  if (!DOMAIN_ATTRIBUTE.test(setCookie)) return true;
  // As browsers read it (RFC 6265 §5.2): attributes follow the first ";", split on ";",
  // names trimmed of spaces and tabs and compared without case; a leading dot is ignored.
  const attributes = setCookie.split(';');
  for (let i = 1; i < attributes.length; i++) {
    const av = attributes[i]!;
    const eq = av.indexOf('=');
    if (eq < 0 || av.slice(0, eq).replace(WSP_EDGES, '').toLowerCase() !== 'domain') continue;
    let domain = av.slice(eq + 1).replace(WSP_EDGES, '').toLowerCase();
    if (domain.charCodeAt(0) === 46) domain = domain.slice(1);
    if (domain !== appDomain || hosts.hasHostsBelow(domain)) return false;
  }
  return true;
}
