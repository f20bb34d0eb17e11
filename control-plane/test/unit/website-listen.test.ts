import { describe, expect, it } from 'vitest';
import { listenFailure, listeningTcpPorts, startLineBytes, type ListenFacts } from '../../src/domain/website-listen.js';

const quiet: ListenFacts = { exited: null, tcpPorts: [], socketExists: false, printed: false, timeoutMs: 8000 };

describe("a website's reload error names the cause", () => {
  it.each<[string, Partial<ListenFacts>, RegExp]>([
    ['exits at once', { exited: { code: 4, afterMs: 120 }, printed: true }, /^the command exited with code 4 after 0\.1 s before listening on \$DOMAIN_SOCKET/],
    ['exits later, code unknown', { exited: { code: null, afterMs: 12_400 } }, /exited with an unknown code after 12 s before listening/],
    ['exits, even having bound TCP before', { exited: { code: 1, afterMs: 3000 }, tcpPorts: [8000] }, /exited with code 1 after 3 s/],
    ['binds TCP', { tcpPorts: [8000], printed: true }, /^the command listens on TCP port 8000, not on the unix socket \$DOMAIN_SOCKET: pass --uds \$DOMAIN_SOCKET \(uvicorn\) \/ --bind unix:\$DOMAIN_SOCKET \(gunicorn\)$/],
    ['binds several TCP ports', { tcpPorts: [5000, 8000] }, /listens on TCP ports 5000, 8000, not on the unix socket/],
    ['socket there, no HTTP', { socketExists: true, printed: true }, /created \$DOMAIN_SOCKET but it did not answer an HTTP request within 8 s: the server there must speak HTTP\/1\.1/],
    ['prints nothing, never listens', {}, /^the command printed nothing and never created \$DOMAIN_SOCKET within 8 s$/],
    ['prints, never listens', { printed: true }, /^the command did not listen on \$DOMAIN_SOCKET .*within 8 s; see the error and server logs$/],
  ])('%s', (_name, facts, expected) => {
    expect(listenFailure({ ...quiet, ...facts })).toMatch(expected);
  });
});

describe('listening TCP ports from /proc/net/tcp{,6}', () => {
  const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 123 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F40 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000  1001        0 124 1 0000000000000000 20 4 30 10 -1
`;
  const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 125 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 126 1 0000000000000000 100 0 0 10 0
`;

  it('reads the LISTEN (0A) lines of both files, skipping connections and headers', () => {
    expect(listeningTcpPorts(tcp + tcp6)).toEqual([5000, 8000]);
  });

  it('finds none in headers alone, or in text that is not /proc/net/tcp', () => {
    expect(listeningTcpPorts(tcp.split('\n')[0]!)).toEqual([]);
    expect(listeningTcpPorts('cat: /proc/net/tcp6: No such file or directory')).toEqual([]);
    expect(listeningTcpPorts('')).toEqual([]);
  });
});

describe("the shim's start line", () => {
  it('is as long as the line the shim prints', () => {
    const line = `2024-05-06 07:08:09,123: [pyhost] starting: cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app — é\n`;
    expect(startLineBytes('cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app — é')).toBe(Buffer.byteLength(line));
  });
});
