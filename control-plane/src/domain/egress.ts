// Which sites users' code may reach (docs/egress.md). Containers never have
// a network of their own; when egress is on, their only way out is the
// egress proxy's unix socket, and the proxy decides by these settings.

/**
 * `none`: nothing leaves (pip installs from the wheelhouse only);
 * `allowlist`: only the listed sites; `open`: any public address, never
 * the host, the local network or link-local addresses.
 */
export type EgressMode = 'none' | 'allowlist' | 'open';
export const EGRESS_MODES: readonly EgressMode[] = ['none', 'allowlist', 'open'];

/** PyPI (index and files), GitHub (git clones, release downloads) and python.org. */
export const DEFAULT_EGRESS_ALLOW: readonly string[] = Object.freeze([
  '.pypi.org',
  '.pythonhosted.org',
  '.github.com',
  '.githubusercontent.com',
  '.python.org',
]);

// A host name, or a leading dot for the domain and all names below it (squid's dstdomain).
const ALLOW_ENTRY_RE = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Null when `entry` is a name squid can match; otherwise why not, for a person to fix. */
export function allowEntryProblem(entry: string): string | null {
  if (entry.length > 254) return 'is longer than a domain name can be';
  if (!ALLOW_ENTRY_RE.test(entry)) {
    return 'is not a domain name: use names such as "pypi.org", or ".pypi.org" for the domain and every name below it (no schemes, ports, paths or wildcards)';
  }
  return null;
}

/**
 * Normalized: lower case, no trailing dot, no duplicates, and no name a
 * listed `.domain` already covers (squid refuses such overlaps).
 */
export function normalizeAllowlist(entries: readonly string[]): string[] {
  const names = [...new Set(entries.map((e) => e.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))];
  const covered = (name: string) =>
    names.some((other) => other !== name && other.startsWith('.') && (name === other.slice(1) || name.endsWith(other)));
  return names.filter((name) => !covered(name)).sort();
}
