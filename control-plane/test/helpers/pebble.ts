import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually.js';

// Let's Encrypt's test CA (Debian's pebble, scripts/ensure-pebble.sh) on
// loopback, with pebble-challtestsrv as its DNS server answering 127.0.0.1
// for every name: so pebble validates HTTP-01 challenges against whatever
// listens on 127.0.0.1:<httpPort> (the router under test). Its directory is
// HTTPS with a certificate from a CA made here (caFile: what
// PYHOST_ACME_CA_BUNDLE points at).

export interface PebbleOptions {
  /** The port pebble sends HTTP-01 validation requests to. */
  readonly httpPort: number;
  /** Lifetime of the certificates it issues, in seconds (pebble's default: 5 years). */
  readonly validitySeconds?: number;
}

export interface Pebble {
  readonly directory: string;
  /** PEM of the CA that signed the directory's HTTPS certificate. */
  readonly caFile: string;
  /** The root that pebble's certificates chain up to (it makes a new one each start). */
  root(): Promise<string>;
  /** Stops the CA (the DNS server stays), to test a CA that is down. */
  stopCa(): Promise<void>;
  startCa(): Promise<void>;
  close(): Promise<void>;
}

export const PEBBLE_INSTALLED = fs.existsSync('/usr/bin/pebble') && fs.existsSync('/usr/bin/pebble-challtestsrv');

/** `n` distinct loopback ports free a moment ago (all held open together, so none is handed out twice). */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => net.createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A CA and a certificate for 127.0.0.1 signed by it, with openssl. */
function directoryCertificate(dir: string): { caFile: string; cert: string; key: string } {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'),
    '-days', '2', '-subj', '/CN=pyhost test pebble directory CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('dir.key'), '-out', f('dir.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', f('dir.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('dir.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  return { caFile: f('ca.pem'), cert: f('dir.pem'), key: f('dir.key') };
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}

function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts pebble; a start that fails (a port taken meanwhile by another process) is tried again on new ports, three times in all. */
export async function startPebble(options: PebbleOptions): Promise<Pebble> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPebbleOnce(options);
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

async function startPebbleOnce({ httpPort, validitySeconds }: PebbleOptions): Promise<Pebble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-pebble-'));
  const { caFile, cert, key } = directoryCertificate(dir);
  const ca = fs.readFileSync(caFile, 'utf8');
  const [dnsPort, dnsManagement, listen, management] = (await freePorts(4)) as [number, number, number, number];
  const collect = (child: ChildProcess, output: string[] = []) => {
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    return output;
  };

  const dns = spawn('/usr/bin/pebble-challtestsrv', [
    '-dns01', `127.0.0.1:${dnsPort}`, '-management', `127.0.0.1:${dnsManagement}`,
    '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  collect(dns);

  const configFile = path.join(dir, 'pebble.json');
  fs.writeFileSync(configFile, JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${listen}`,
      managementListenAddress: `127.0.0.1:${management}`,
      certificate: cert,
      privateKey: key,
      httpPort,
      tlsPort: 1,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      ...(validitySeconds ? { certificateValidityPeriod: validitySeconds } : {}),
    },
  }));
  let ca_: ChildProcess | null = null;
  const directory = `https://127.0.0.1:${listen}/dir`;

  const startCa = async () => {
    ca_ = spawn('/usr/bin/pebble', ['-config', configFile, '-dnsserver', `127.0.0.1:${dnsPort}`, '-strict=false'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    });
    const output = collect(ca_);
    const exited = await eventually(async () => {
      if (ca_!.exitCode !== null) return true; // at once: waiting longer would not help
      const res = await httpsGet(directory, ca);
      if (res.status !== 200) throw new Error(`pebble's directory answered ${res.status}`);
      return false;
    }, { timeoutMs: 20_000 });
    if (exited) throw new Error(`pebble exited (${ca_!.exitCode}): ${output.join('').slice(-2000)}`);
  };
  const stopCa = () => stopProcess(ca_);

  try {
    await startCa();
  } catch (err) {
    await stopCa();
    await stopProcess(dns);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    directory,
    caFile,
    async root() {
      const res = await httpsGet(`https://127.0.0.1:${management}/roots/0`, ca);
      if (res.status !== 200) throw new Error(`pebble's roots/0 answered ${res.status}`);
      return res.body;
    },
    stopCa,
    startCa,
    async close() {
      await stopCa();
      await stopProcess(dns);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
