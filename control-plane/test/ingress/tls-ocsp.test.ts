import { execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter, silentLog, type RunningRouter } from '../../src/ingress/index.js';
import { ocspRequest, readOcspResponse } from '../../src/ingress/ocsp-der.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/server-process.js';
import { createTestCa, writeTlsStore, type TestCa } from '../helpers/test-certs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// OCSP stapling against a real responder (openssl ocsp) for the test CA:
// the router fetches the answer in the background and staples it to later
// handshakes; a certificate that names no responder gets no staple.

describe('OCSP stapling', () => {
  let t: TestApp;
  let router: RunningRouter;
  let ca: TestCa;
  let responder: ChildProcess;

  /** The stapled OCSP response of a handshake for `servername`, or null. */
  const stapled = (servername: string) =>
    new Promise<Buffer | null>((resolve, reject) => {
      let response: Buffer | null = null;
      // requestOCSP is a TLSSocket option that tls.connect passes on (not in ConnectionOptions' type).
      const options: tls.ConnectionOptions & { requestOCSP: boolean } = { host: '127.0.0.1', port: router.httpsPort!, servername, ca: ca.cert, requestOCSP: true };
      const socket = tls.connect(options, () => {
        socket.end();
        resolve(response);
      });
      socket.on('OCSPResponse', (r: Buffer) => (response = r));
      socket.on('error', reject);
    });

  beforeAll(async () => {
    ca = createTestCa();
    const port = await freePort();
    const withOcsp = ca.leaf(['ocsp.test'], { ocspUrl: `http://127.0.0.1:${port}` });
    const without = ca.leaf(['plain.test']);
    // openssl ocsp reads the CA's index of certificates when it starts.
    responder = await ca.ocspResponder(port);
    t = await createTestApp();
    // The chain names the issuer, as ACME's does.
    writeTlsStore(t.dataDir, 1, [{ id: 'ocsp', names: ['ocsp.test'], key: withOcsp.key, cert: withOcsp.cert + ca.cert }, { id: 'plain', names: ['plain.test'], ...without }]);
    router = await startRouter(t.config, silentLog, { port: 0, httpsPort: 0 });
  });
  afterAll(async () => {
    responder?.kill();
    await router?.close();
    await t?.close();
    ca?.close();
  });

  it('staples the responder’s "good" answer once it has it', async () => {
    const response = await eventually(async () => {
      const r = await stapled('ocsp.test');
      expect(r).not.toBeNull();
      return r!;
    }, { intervalMs: 100, what: 'a stapled OCSP response' });
    const answer = readOcspResponse(response);
    expect(answer.good).toBe(true);
    expect(answer.nextUpdate).toBeGreaterThan(Date.now());
  });

  it('asks the responder exactly what openssl ocsp asks', () => {
    const reqout = path.join(ca.dir, 'request.der');
    execFileSync('openssl', ['ocsp', '-issuer', 'ca.pem', '-cert', 'leaf1.pem', '-no_nonce', '-reqout', reqout], { cwd: ca.dir, stdio: 'ignore' });
    const der = (file: string) => new crypto.X509Certificate(fs.readFileSync(path.join(ca.dir, file))).raw;
    expect(ocspRequest(der('leaf1.pem'), der('ca.pem')).equals(fs.readFileSync(reqout))).toBe(true);
  });

  it('staples nothing for a certificate without a responder', async () => {
    expect(await stapled('plain.test')).toBeNull();
  });
});
