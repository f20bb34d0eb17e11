import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { createDockerClient } from '../../src/runtime/index.js';
import { eventually } from './eventually.js';
import { createTestCa, type TestCa } from './test-certs.js';

const docker = createDockerClient();
/** The proxy lets through only ports 80 and 443. */
export const SITE_PORT = 80;

// Serves /srv over HTTP on 80 and over HTTPS on 443 (a certificate for the
// site's alias, from the test's own CA), so that CONNECT is tested too.
const SERVER_PY = `import functools, http.server, ssl, threading
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory='/srv')
tls = http.server.ThreadingHTTPServer(('', 443), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain('/tls/cert.pem', '/tls/key.pem')
tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
threading.Thread(target=tls.serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(('', 80), handler).serve_forever()
`;

/**
 * Web servers the egress tests may reach through the proxy: runtime-image
 * containers serving a folder with `python3 -m http.server`, by alias on a
 * network of the test's own making. Its subnet is in 198.18.0.0/15 (RFC
 * 2544, for benchmarking), outside every range the proxy refuses, so in
 * open mode nothing but the ACL's own rules decides.
 */
export class TestSites {
  private readonly containers: Docker.Container[] = [];
  private constructor(readonly network: string, readonly subnet: string, readonly root: string, readonly ca: TestCa) {}

  static async create(): Promise<TestSites> {
    const n = Math.floor(Math.random() * 250) + 1;
    const name = `pyhost-test-egress-${process.pid}-${n}`;
    const subnet = `198.18.${n}.0/24`;
    await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, IPAM: { Config: [{ Subnet: subnet }] }, Labels: { 'io.pyhost.test': 'egress' } });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-sites-'));
    fs.chmodSync(root, 0o755);
    return new TestSites(name, subnet, root, createTestCa());
  }

  /** Serves `files` (relative path → content) at http://<alias>/ and https://<alias>/. */
  async serve(alias: string, files: Record<string, string | Buffer>): Promise<void> {
    const dir = path.join(this.root, alias);
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true, mode: 0o755 });
      fs.writeFileSync(path.join(dir, rel), content, { mode: 0o644 });
    }
    fs.chmodSync(dir, 0o755);
    const tls = path.join(this.root, `${alias}-tls`);
    fs.mkdirSync(tls, { mode: 0o700 });
    const leaf = this.ca.leaf([alias]);
    fs.writeFileSync(path.join(tls, 'server.py'), SERVER_PY);
    fs.writeFileSync(path.join(tls, 'cert.pem'), leaf.cert);
    fs.writeFileSync(path.join(tls, 'key.pem'), leaf.key);
    const container = await docker.createContainer({
      Image: 'pyhost-runtime:latest',
      Entrypoint: ['python3', '/tls/server.py'],
      Labels: { 'io.pyhost.test': 'egress' },
      HostConfig: {
        Mounts: [{ Type: 'bind', Source: dir, Target: '/srv', ReadOnly: true }, { Type: 'bind', Source: tls, Target: '/tls', ReadOnly: true }],
        NetworkMode: this.network,
        ReadonlyRootfs: true,
        // Root in the container only to bind port 80; nothing else.
        CapDrop: ['ALL'],
        CapAdd: ['NET_BIND_SERVICE'],
        SecurityOpt: ['no-new-privileges'],
      },
      NetworkingConfig: { EndpointsConfig: { [this.network]: { Aliases: [alias] } } },
    });
    this.containers.push(container);
    await container.start();
    await eventually(async () => {
      const info = await container.inspect();
      if (!info.State.Running) throw new Error(`site ${alias} is not running`);
    }, { timeoutMs: 10_000, what: `site ${alias}` });
  }

  /** The proxy joins the sites' network, so its DNS resolves their aliases. */
  async connect(containerId: string): Promise<void> {
    await docker.getNetwork(this.network).connect({ Container: containerId });
  }

  async close(): Promise<void> {
    for (const c of this.containers) await c.remove({ force: true }).catch(() => undefined);
    const network = docker.getNetwork(this.network);
    const info = await network.inspect().catch(() => null) as { Containers?: Record<string, unknown> } | null;
    for (const id of Object.keys(info?.Containers ?? {})) await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
    await network.remove().catch(() => undefined);
    fs.rmSync(this.root, { recursive: true, force: true });
    this.ca.close();
  }
}
