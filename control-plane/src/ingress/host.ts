// The host a request is for, in the one form the route table uses:
// lowercase, without the port and without a trailing dot, so that
// "Alice.Localhost.:8080" finds the same web app as "alice.localhost".

const cache = new Map<string, string>();
const CACHE_LIMIT = 4096;

/** '' when the header is missing or is not a plausible host. */
export function normalizeHost(header: string | undefined): string {
  if (header === undefined || header === '') return '';
  const known = cache.get(header);
  if (known !== undefined) return known;
  const host = compute(header);
  // Host headers are attacker-chosen: a bounded cache cannot be grown without limit.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(header, host);
  return host;
}

function compute(header: string): string {
  let host = header.trim().toLowerCase();
  if (host.startsWith('[')) {
    // An IPv6 literal, "[::1]:8080": no web app lives there, but keep it recognisable.
    const end = host.indexOf(']');
    return end < 0 ? '' : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  if (colon >= 0) {
    const port = host.slice(colon + 1);
    if (!/^\d{0,5}$/.test(port)) return '';
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}
