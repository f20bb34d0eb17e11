import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { tlsCertsDir, tlsChallengesDir, tlsDir, tlsIndexFile } from '../../src/domain/tls-store.js';
import { eventually } from '../helpers/eventually.js';
import { RouterProcess } from '../helpers/router-process.js';
import { freePort } from '../helpers/server-process.js';
import { createTestCa, writeTlsStore, type TestCa } from '../helpers/test-certs.js';

// The router as production runs it (ingress-main: root binds the ports,
// then the workers drop to the ingress uid) with two worker processes: the
// certificate store is read as the ingress uid, and a session made with
// one worker resumes on the other (the primary shares the ticket keys).

describe('HTTPS with several router processes', () => {
  let dataDir: string;
  let ca: TestCa;
  let router: RouterProcess;
  let httpsPort: number;

  const handshake = (session?: Buffer) =>
    new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: httpsPort, servername: 'localhost', ca: ca.cert, maxVersion: 'TLSv1.2', session }, () => resolve(socket));
      socket.on('error', reject);
    });

  beforeAll(async () => {
    ca = createTestCa();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-tlsw-'));
    writeTlsStore(dataDir, 1, [{ id: 'dashboard', names: ['localhost'], ...ca.leaf(['localhost']) }]);
    // The store as the writer leaves it: root:<ingress> 0750 folders, 0640 files.
    const ingress = loadConfig({ PYHOST_DATA: dataDir }).ingressUid;
    for (const dir of [tlsDir(dataDir), tlsCertsDir(dataDir), tlsChallengesDir(dataDir)]) fs.chownSync(dir, 0, ingress);
    for (const file of [tlsIndexFile(dataDir), path.join(tlsCertsDir(dataDir), 'dashboard.pem')]) fs.chownSync(file, 0, ingress);
    httpsPort = await freePort();
    router = new RouterProcess({ PYHOST_DATA: dataDir, PYHOST_ROUTER_WORKERS: '2', PYHOST_HTTPS_PORT: String(httpsPort), PYHOST_LOG_LEVEL: 'warn' }, await freePort());
    await router.start();
  });
  afterAll(async () => {
    await router?.stop();
    ca?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('issues session tickets under the same keys on every worker, and resumes a session on any of them', async () => {
    await eventually(async () => {
      for (let i = 0; i < 2; i++) (await handshake()).end();
    }, { intervalMs: 50, what: 'both workers to have a certificate' });
    // Fresh connections are handed to the workers in turn; a ticket starts with the name of the key it is sealed with.
    const keyNames = new Set<string>();
    let session: Buffer | undefined;
    for (let i = 0; i < 10; i++) {
      const socket = await handshake();
      keyNames.add(socket.getTLSTicket()!.subarray(0, 16).toString('hex'));
      session ??= socket.getSession();
      socket.end();
    }
    expect(keyNames.size).toBe(1);
    for (let i = 0; i < 6; i++) {
      const again = await handshake(session);
      expect(again.isSessionReused(), `connection ${i + 1}`).toBe(true);
      again.end();
    }
  });
});
