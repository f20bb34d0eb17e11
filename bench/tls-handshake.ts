// What terminating TLS costs Node itself, against nginx, run by hand
// (nginx and wrk are installed when missing):
//
//   npx tsx bench/tls-handshake.ts
//   DURATION=5 ROUNDS=7 npx tsx bench/tls-handshake.ts
//
// bench/router.ts HTTPS=1 compares the router with nginx in front of a real
// app; this one takes the app and the router's own code away. Both servers
// answer "hello" themselves over TLS with one certificate (ECDSA P-256,
// made here), the router's profile (ingress/tls-profile.ts) and session
// tickets on: nginx with `return 200`, and a bare node:https server in its
// own process, which is what the router's TLS listener is built on. With
// `Connection: close` every request is a full handshake (wrk resumes no
// session), so the CPU per request is the CPU per handshake. The ratio of
// the two is the floor under the router's handshake cost: no router code
// can make Node's handshake cheaper than Node's.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../control-plane/test/helpers/server-process.js';
import { createTestCa } from '../control-plane/test/helpers/test-certs.js';
import { INTERMEDIATE_CIPHERS, INTERMEDIATE_CURVES } from '../control-plane/src/ingress/tls-profile.js';
import { ensureTools, fmtMs, loadAverage, medianRun, stopProcess, wrk, type Run } from './load-tools.js';

const DURATION = Number(process.env.DURATION ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const HOST = 'bench.localhost';

/** A node:https server answering "hello", in a process of its own (its CPU is measured alone). */
const NODE_SERVER = `
import https from 'node:https';
import fs from 'node:fs';
const [port, certFile, keyFile, ciphers, ecdhCurve] = process.argv.slice(1);
https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), minVersion: 'TLSv1.2', ciphers, ecdhCurve, honorCipherOrder: false },
  (req, res) => res.end('hello')).listen(Number(port), '127.0.0.1', () => process.send?.('listening'));
`;

function nginxConf(dir: string, port: number, certFile: string, keyFile: string): string {
  return `worker_processes 1;
daemon on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certFile};
    ssl_certificate_key ${keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ${INTERMEDIATE_CIPHERS};
    ssl_ecdh_curve ${INTERMEDIATE_CURVES};
    ssl_prefer_server_ciphers off;
    ssl_session_tickets on;
    location / { return 200 hello; }
  }
}
`;
}

async function main(): Promise<void> {
  ensureTools();
  const work = fs.mkdtempSync('/tmp/pyhost-bench-tls-');
  const ca = createTestCa();
  const leaf = ca.leaf([HOST]);
  ca.close();
  const certFile = path.join(work, 'cert.pem');
  const keyFile = path.join(work, 'key.pem');
  fs.writeFileSync(certFile, leaf.cert);
  fs.writeFileSync(keyFile, leaf.key, { mode: 0o600 });

  const nginxPort = await freePort();
  const conf = path.join(work, 'nginx.conf');
  fs.writeFileSync(conf, nginxConf(work, nginxPort, certFile, keyFile));
  execFileSync('nginx', ['-c', conf]);
  const nodePort = await freePort();
  const node = spawn(process.execPath, ['--input-type=module', '-e', NODE_SERVER, String(nodePort), certFile, keyFile, INTERMEDIATE_CIPHERS, INTERMEDIATE_CURVES], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await new Promise<void>((resolve, reject) => {
      node.once('message', () => resolve());
      node.once('exit', (code) => reject(new Error(`the node:https server exited (${code})`)));
    });
    const nginxPids = [Number(fs.readFileSync(path.join(work, 'nginx.pid'), 'utf8'))];
    console.log(`load average at start: ${loadAverage()}`);
    const rows: string[] = [];
    for (const close of [false, true]) {
      for (const connections of [1, 20]) {
        const n: Run[] = [];
        const b: Run[] = [];
        // Alternating short runs: a shared machine's background load comes in bursts.
        for (let round = 0; round < ROUNDS; round++) {
          n.push(wrk(nginxPort, HOST, connections, DURATION, nginxPids, '/', { https: true, close }));
          b.push(wrk(nodePort, HOST, connections, DURATION, [node.pid!], '/', { https: true, close }));
        }
        const nm = medianRun(n);
        const bm = medianRun(b);
        rows.push(
          `| ${close ? 'new connections (full handshakes)' : 'kept alive'} | ${connections} | ${nm.rps.toFixed(0)} | ${bm.rps.toFixed(0)} | **${((bm.rps / nm.rps) * 100).toFixed(0)}%** | ${fmtMs(nm.p50)} / ${fmtMs(bm.p50)} | ${nm.cpuUs.toFixed(0)} / ${bm.cpuUs.toFixed(0)} | **${(bm.cpuUs / nm.cpuUs).toFixed(2)}×** |`,
        );
      }
    }
    console.log(`\n${DURATION} s per run, median of ${ROUNDS} alternating runs; wrk -t1 over HTTPS on 127.0.0.1; load average at the end: ${loadAverage()}.\n`);
    console.log('| connections | clients | nginx req/s | node:https req/s | node / nginx | p50 nginx / node | server CPU µs/request, nginx / node | CPU ratio |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
  } finally {
    await stopProcess(node).catch(() => undefined);
    try {
      execFileSync('nginx', ['-c', conf, '-s', 'stop']);
    } catch {
      // Already gone.
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
