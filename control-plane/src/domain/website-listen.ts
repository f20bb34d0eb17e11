// Why a website's command did not come to serve on $DOMAIN_SOCKET, from
// what the runner saw of it (docs/websites.md, "Reload, start and
// failures"). Pure: the runner gathers the facts, this picks the cause the
// user has to fix and says it in their terms.

/** What the runner found when the command had not answered HTTP on the socket. */
export interface ListenFacts {
  /** Set when the container ended: its exit code (null if the engine did not say) and how long it ran. */
  readonly exited: { readonly code: number | null; readonly afterMs: number } | null;
  /** TCP ports the container listens on (none when it exited or could not be asked). */
  readonly tcpPorts: readonly number[];
  /** Whether $DOMAIN_SOCKET exists as a socket. */
  readonly socketExists: boolean;
  /** Whether the command wrote anything to stdout or stderr (Pyhost's own start line aside). */
  readonly printed: boolean;
  readonly timeoutMs: number;
}

const SEE_LOGS = 'see the error and server logs';

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${Math.round(s * 10) / 10} s` : `${Math.round(s)} s`;
}

/** The reload error for a command that did not serve; the first cause that applies, in the order a user would look. */
export function listenFailure(facts: ListenFacts): string {
  const within = `within ${Math.round(facts.timeoutMs / 1000)} s`;
  if (facts.exited) {
    const code = facts.exited.code === null ? 'an unknown code' : `code ${facts.exited.code}`;
    return `the command exited with ${code} after ${seconds(facts.exited.afterMs)} before listening on $DOMAIN_SOCKET; ${SEE_LOGS}`;
  }
  if (facts.tcpPorts.length > 0) {
    const ports = facts.tcpPorts.length === 1 ? `TCP port ${facts.tcpPorts[0]}` : `TCP ports ${facts.tcpPorts.join(', ')}`;
    return `the command listens on ${ports}, not on the unix socket $DOMAIN_SOCKET: pass --uds $DOMAIN_SOCKET (uvicorn) / --bind unix:$DOMAIN_SOCKET (gunicorn)`;
  }
  if (facts.socketExists) {
    return `the command created $DOMAIN_SOCKET but it did not answer an HTTP request ${within}: the server there must speak HTTP/1.1; ${SEE_LOGS}`;
  }
  if (!facts.printed) return `the command printed nothing and never created $DOMAIN_SOCKET ${within}`;
  return `the command did not listen on $DOMAIN_SOCKET (an HTTP server on the unix socket it names) ${within}; ${SEE_LOGS}`;
}

/** TCP state 0A in /proc/net/tcp{,6}. */
const LISTEN = '0A';

/**
 * The ports in LISTEN state in the text of /proc/net/tcp and /proc/net/tcp6
 * (any number of them, concatenated), sorted and without repeats. A line
 * reads `sl local_address rem_address st …`, the local address being
 * `<hex ip>:<hex port>`; the header lines and anything else are skipped.
 */
export function listeningTcpPorts(procNetTcp: string): number[] {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || !/^\d+:$/.test(fields[0]!) || fields[3]!.toUpperCase() !== LISTEN) continue;
    const port = /:([0-9A-Fa-f]{4})$/.exec(fields[1]!)?.[1];
    if (port) ports.add(parseInt(port, 16));
  }
  return [...ports].sort((a, b) => a - b);
}

/** The bytes of the shim's start line (`YYYY-MM-DD HH:MM:SS,mmm: [pyhost] starting: <command>\n`, website-workload.ts). */
export function startLineBytes(command: string): number {
  return '2000-01-01 00:00:00,000'.length + Buffer.byteLength(`: [pyhost] starting: ${command}\n`);
}
