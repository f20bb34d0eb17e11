import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Certificates for testing uploads, made with the openssl CLI: a root CA, an
// intermediate it signs, and leaves the intermediate signs (what a real CA
// hands out: the site's certificate plus the intermediate).

export interface UploadCerts {
  readonly root: string;
  readonly intermediate: string;
  /** A key and a certificate for `names` signed by the intermediate, valid for `days` from now. */
  leaf(names: readonly string[], days?: number): { key: string; cert: string };
  /** Like leaf(), valid only in January 2020 (`openssl ca -startdate/-enddate`). */
  expiredLeaf(names: readonly string[]): { key: string; cert: string };
  /** Another key, matching nothing. */
  readonly otherKey: string;
  close(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function createUploadCerts(): UploadCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-upload-ca-'));
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  openssl(['req', '-x509', ...EC, '-keyout', 'root.key', '-out', 'root.pem', '-days', '30', '-subj', '/CN=Upload Test Root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  fs.writeFileSync(path.join(dir, 'int.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  openssl(['req', ...EC, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Upload Test Intermediate'], dir);
  openssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '2', '-days', '30', '-extfile', 'int.ext', '-out', 'int.pem'], dir);
  openssl(['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'other.key'], dir);
  // `openssl ca` (for dates in the past) wants a database, a serial and a policy.
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '5000\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n');
  let serial = 100;
  return {
    root: read('root.pem'),
    intermediate: read('int.pem'),
    otherKey: read('other.key'),
    leaf(names, days = 10) {
      const n = ++serial;
      fs.writeFileSync(path.join(dir, `${n}.ext`), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
      openssl(['req', ...EC, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${names[0]}`], dir);
      openssl(['x509', '-req', '-in', `${n}.csr`, '-CA', 'int.pem', '-CAkey', 'int.key', '-set_serial', String(n), '-days', String(days),
        '-extfile', `${n}.ext`, '-out', `${n}.pem`], dir);
      return { key: read(`${n}.key`), cert: read(`${n}.pem`) };
    },
    expiredLeaf(names) {
      const n = ++serial;
      fs.writeFileSync(path.join(dir, `${n}.ext`), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nbasicConstraints=CA:FALSE\n`);
      openssl(['req', ...EC, '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${names[0]}`], dir);
      openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'int.pem', '-keyfile', 'int.key', '-in', `${n}.csr`, '-out', `${n}.pem`, '-notext',
        '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-extfile', `${n}.ext`], dir);
      return { key: read(`${n}.key`), cert: read(`${n}.pem`) };
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
