import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { certFileEntry, serializeTlsIndex, tlsCertsDir, tlsChallengesDir, tlsDir, tlsIndexFile, type TlsCertificateEntry } from '../../src/domain/tls-store.js';

// Certificates made with the openssl CLI for tests: a throw-away CA and leaf
// certificates signed by it, written in the certificate store's layout
// (domain/tls-store.ts) as the api's writer does.

export interface TestCa {
  readonly dir: string;
  /** The CA's certificate (PEM): what clients trust. */
  readonly cert: string;
  /** A key and a certificate for `names` (the first is the subject's CN), signed by this CA; `ocspUrl`: its OCSP responder. */
  leaf(names: readonly string[], options?: { ocspUrl?: string }): { key: string; cert: string };
  /** Starts `openssl ocsp` answering for this CA's leaves ("good") on `port`, resolving once it listens; stop it with kill(). It reads the CA's index once: make the leaves first. */
  ocspResponder(port: number): Promise<ChildProcess>;
  close(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-ca-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '2', '-subj', '/CN=Pyhost test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  let serial = 0;
  return {
    dir,
    cert: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'),
    leaf(names, options = {}) {
      const n = ++serial;
      const aia = options.ocspUrl ? `authorityInfoAccess=OCSP;URI:${options.ocspUrl}\n` : '';
      fs.writeFileSync(path.join(dir, `leaf${n}.ext`), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n${aia}`);
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `leaf${n}.key`, '-out', `leaf${n}.csr`, '-subj', `/CN=${names[0]}`], dir);
      openssl(['x509', '-req', '-in', `leaf${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(1000 + n), '-days', '1',
        '-extfile', `leaf${n}.ext`, '-out', `leaf${n}.pem`], dir);
      const cert = fs.readFileSync(path.join(dir, `leaf${n}.pem`), 'utf8');
      // openssl ocsp's database: status, expiry, revocation, serial (hex), file, subject.
      const expiry = new Date(Date.now() + 86_400_000).toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
      fs.appendFileSync(path.join(dir, 'index.txt'), `V\t${expiry}\t\t${(1000 + n).toString(16).toUpperCase().padStart(4, '0')}\tunknown\t/CN=${names[0]}\n`);
      return { key: fs.readFileSync(path.join(dir, `leaf${n}.key`), 'utf8'), cert };
    },
    ocspResponder(port) {
      fs.appendFileSync(path.join(dir, 'index.txt'), '');
      const child = spawn('openssl', ['ocsp', '-index', 'index.txt', '-port', String(port), '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-CA', 'ca.pem', '-ndays', '1'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      return new Promise((resolve, reject) => {
        let said = '';
        child.stderr!.on('data', (d: Buffer) => {
          said += d.toString();
          if (said.includes('waiting for OCSP client connections')) resolve(child);
        });
        child.on('exit', (code) => reject(new Error(`openssl ocsp exited (${code}): ${said}`)));
      });
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface StoredCertificate {
  readonly id: string;
  readonly names: readonly string[];
  readonly key: string;
  readonly cert: string;
}

/**
 * Writes the certificates and then, atomically, an index.json of `version`
 * naming them (the writer's order); with `group`, the folders and files are
 * root:<group> as the writer leaves them for the router.
 */
export function writeTlsStore(dataDir: string, version: number, certificates: readonly StoredCertificate[], group?: number): void {
  const own = (p: string) => group !== undefined && fs.chownSync(p, 0, group);
  for (const dir of [tlsDir(dataDir), tlsCertsDir(dataDir), tlsChallengesDir(dataDir)]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
    own(dir);
  }
  const entries: TlsCertificateEntry[] = [];
  for (const c of certificates) {
    const file = path.join(tlsCertsDir(dataDir), `${c.id}.pem`);
    fs.writeFileSync(`${file}.tmp`, `${c.key}${c.cert}`, { mode: 0o640 });
    own(`${file}.tmp`);
    fs.renameSync(`${file}.tmp`, file);
    entries.push({ id: c.id, names: c.names, file: certFileEntry(c.id), not_after: new Date(Date.now() + 86_400_000).toISOString() });
  }
  const index = tlsIndexFile(dataDir);
  fs.writeFileSync(`${index}.tmp`, serializeTlsIndex({ version, certificates: entries }), { mode: 0o640 });
  own(`${index}.tmp`);
  fs.renameSync(`${index}.tmp`, index);
}

/** Writes an HTTP-01 key authorization where the router looks for it. */
export function writeChallenge(dataDir: string, token: string, keyAuthorization: string): void {
  fs.mkdirSync(tlsChallengesDir(dataDir), { recursive: true, mode: 0o750 });
  fs.writeFileSync(path.join(tlsChallengesDir(dataDir), token), keyAuthorization, { mode: 0o640 });
}
