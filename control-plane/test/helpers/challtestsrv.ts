import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

// pebble-challtestsrv (Debian's pebble package) as a DNS server for tests,
// on loopback: records are set through its management HTTP API.

export const CHALLTESTSRV_INSTALLED = fs.existsSync('/usr/bin/pebble-challtestsrv');

export interface TestDns {
  /** For PYHOST_DNS_SERVER. */
  readonly server: string;
  addA(host: string, addresses: readonly string[]): Promise<void>;
  setCname(host: string, target: string): Promise<void>;
  clear(host: string): Promise<void>;
  close(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export async function startTestDns(): Promise<TestDns> {
  const [dns, management] = [await freePort(), await freePort()];
  // No default address: a name without a record has none (the default would answer 127.0.0.1 for anything).
  const child: ChildProcess = spawn('/usr/bin/pebble-challtestsrv', [
    '-dns01', `127.0.0.1:${dns}`, '-management', `127.0.0.1:${management}`,
    '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv4', '', '-defaultIPv6', '',
  ], { stdio: 'ignore' });
  const post = async (path: string, body: object) => {
    const res = await fetch(`http://127.0.0.1:${management}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`challtestsrv ${path}: ${res.status}`);
  };
  // Up once its management port answers anything.
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${management}/`);
      break;
    } catch {
      if (i > 100) throw new Error('pebble-challtestsrv did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const fqdn = (h: string) => (h.endsWith('.') ? h : `${h}.`);
  return {
    server: `127.0.0.1:${dns}`,
    addA: (host, addresses) => post('/add-a', { host: fqdn(host), addresses }),
    setCname: (host, target) => post('/set-cname', { host: fqdn(host), target: fqdn(target) }),
    async clear(host) {
      await post('/clear-a', { host: fqdn(host) });
      await post('/clear-cname', { host: fqdn(host) });
    },
    close: () => child.kill(),
  };
}
