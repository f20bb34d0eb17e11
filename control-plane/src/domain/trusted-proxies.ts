import net from 'node:net';

// Which peers may tell us the client's address and scheme (X-Forwarded-*).
// Used by the router (to judge X-Forwarded-Proto) and by the api (to find
// the client address behind the router). Pure: no I/O.

const CIDR = /^(.+)\/(\d{1,3})$/;

/** An IPv4 address, an IPv6 address, or either with a /prefix. */
export function isAddressOrCidr(value: string): boolean {
  const m = CIDR.exec(value);
  const address = m ? m[1]! : value;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (!m) return true;
  const prefix = Number(m[2]);
  return prefix <= (family === 4 ? 32 : 128);
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
export function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

export type TrustCheck = (address: string | undefined) => boolean;

/** A predicate for "is this peer one of the configured proxies"; entries must satisfy isAddressOrCidr. */
export function trustedProxyCheck(entries: readonly string[]): TrustCheck {
  if (entries.length === 0) return () => false;
  const list = new net.BlockList();
  for (const entry of entries) {
    const m = CIDR.exec(entry);
    const address = m ? m[1]! : entry;
    const type = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    if (m) list.addSubnet(address, Number(m[2]), type);
    else list.addAddress(address, type);
  }
  return (address) => {
    if (!address) return false;
    const plain = unmapIPv4(address);
    const type = net.isIPv4(plain) ? 'ipv4' : net.isIPv6(plain) ? 'ipv6' : null;
    return type !== null && list.check(plain, type);
  };
}
