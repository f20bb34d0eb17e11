// The egress proxy's squid configuration (docs/egress.md), generated from
// the instance's settings. Pure: the api writes the result into the egress
// folder, which the proxy container mounts at the same place as users'
// containers do.
import type { EgressMode } from './egress.js';

export interface SquidConfInput {
  readonly mode: Exclude<EgressMode, 'none'>;
  /** Where the proxy sees the egress folder (squid.conf, allowlist, error pages). */
  readonly dir: string;
}

/** Addresses nobody's code may reach through the proxy in open mode: this host, the local network, link-local, multicast. */
export const BLOCKED_RANGES: readonly string[] = Object.freeze([
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1', '::ffff:0:0/96', 'fc00::/7', 'fe80::/10', 'ff00::/8',
]);

/** Made by egress-image/start-egress-proxy.sh. */
const LOG_FIFO = '/run/squid/log.fifo';
export const ALLOWLIST_FILE = 'allowlist.txt';
export const NOT_LISTED_PAGE = 'ERR_PYHOST_NOT_LISTED';
export const LOCAL_PAGE = 'ERR_PYHOST_LOCAL';

/** One name a line, as squid's dstdomain reads a file; an empty list still makes a valid (empty) file. */
export function allowlistFile(allow: readonly string[]): string {
  return allow.map((name) => `${name}\n`).join('');
}

/**
 * Error pages for what squid refuses, in words a learner can act on. %H is
 * the host that was asked for. Plain text: pip and curl show it as it is.
 */
export function errorPages(): Record<string, string> {
  return {
    [NOT_LISTED_PAGE]:
      'Pyhost: this server\'s administrator allows internet access only to listed sites; %H is not one of them.\n' +
      'Ask your administrator to add it to the allowlist (PYHOST_EGRESS_ALLOW), or install from /wheelhouse.\n',
    [LOCAL_PAGE]:
      'Pyhost: %H is an address on this server or its local network, which code on Pyhost may never reach.\n',
  };
}

/**
 * `allowed` comes before `blocked`: a name the admin listed is trusted
 * wherever it resolves (a classroom's own PyPI mirror on the local
 * network). Everything else is refused at local addresses, by the
 * destination's resolved address, and then allowed (open) or refused
 * (allowlist). Only ports 80 and 443; CONNECT only to 443. No cache: the
 * proxy keeps nothing of what passes.
 */
export function squidConf(input: SquidConfInput): string {
  const file = (name: string) => `${input.dir}/${name}`;
  return [
    '# Written by the Pyhost api (docs/egress.md); changes here are overwritten.',
    'http_port 127.0.0.1:3128',
    'acl SSL_ports port 443',
    'acl Safe_ports port 80 443',
    'acl CONNECT method CONNECT',
    // -n: an address in the URL is not looked up in reverse DNS; only names the admin listed match.
    `acl allowed dstdomain -n "${file(ALLOWLIST_FILE)}"`,
    `acl blocked dst ${BLOCKED_RANGES.join(' ')}`,
    'acl to_all src all',
    'http_access deny !Safe_ports',
    'http_access deny CONNECT !SSL_ports',
    'http_access allow allowed',
    'http_access deny blocked',
    input.mode === 'open' ? 'http_access allow all' : 'http_access deny to_all',
    // The image links these two names in its error folder to the files the api writes beside this one.
    'error_directory /usr/share/squid/pyhost-errors',
    `deny_info ${LOCAL_PAGE} blocked`,
    `deny_info ${NOT_LISTED_PAGE} to_all`,
    'cache deny all',
    'cache_mem 0 MB',
    // The image's start script passes this FIFO on to the container's output (docker logs).
    `access_log stdio:${LOG_FIFO}`,
    `cache_log ${LOG_FIFO}`,
    'logfile_rotate 0',
    'pid_filename /run/squid/squid.pid',
    'coredump_dir /tmp',
    // No ICMP in the container (no NET_RAW); squid needs no pinger to proxy.
    'pinger_enable off',
    'shutdown_lifetime 1 seconds',
    'forwarded_for delete',
    'via off',
    'httpd_suppress_version_string on',
    '',
  ].join('\n');
}
