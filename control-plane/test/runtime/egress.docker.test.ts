import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { createDockerRuntime, egressNetworkName } from '../../src/runtime/index.js';
import type { TestUser } from '../helpers/test-app.js';
import { activeSocket, createDockerTestApp, docker, newUser, waitForState, writeAsUser, wsgiFile, type DockerTestApp } from '../helpers/docker-app.js';
import { asToken } from '../helpers/test-app.js';
import { getViaSocket } from '../helpers/unix-get.js';
import { latestOutput, run, sendInput, startConsole } from '../helpers/consoles.js';
import { eventually } from '../helpers/eventually.js';
import { SITE_PORT, TestSites } from '../helpers/egress-sites.js';
import { buildHelloWheel } from '../helpers/wheels.js';

// Traffic goes only to containers this test started: its two sites, and the
// proxy the test app started. Addresses that must be refused are sent to the
// proxy only, which refuses them by its ACL without connecting anywhere.

const runtime = createDockerRuntime();

/** Fetches a URL with urllib (which honours the proxy variables; https through CONNECT, trusting the test's CA) and prints the status and the start of the body. */
const FETCH_PY = `import os, ssl, sys, urllib.request, urllib.error
ca = os.path.expanduser('~/ca.pem')
ctx = ssl.create_default_context(cafile=ca if os.path.exists(ca) else None)
try:
    r = urllib.request.urlopen(sys.argv[1], timeout=20, context=ctx)
    print('STATUS', r.status, r.read().decode()[:300])
except urllib.error.HTTPError as e:
    print('STATUS', e.code, e.read().decode()[:400])
except Exception as e:
    print('ERROR', type(e).__name__, e)
`;

interface Learner {
  t: DockerTestApp;
  user: TestUser;
  uid: number;
  console: number;
}

async function learnerIn(env: Record<string, string>, sites: TestSites | null): Promise<Learner> {
  const t = await createDockerTestApp(env);
  const { user, uid } = await newUser(t.app);
  writeAsUser(path.join(userDirs(t.dataDir, user.username).home, 'fetch.py'), FETCH_PY, uid);
  if (sites) {
    writeAsUser(path.join(userDirs(t.dataDir, user.username).home, 'ca.pem'), sites.ca.cert, uid);
    const proxy = await runtime.egressProxy.find(t.app.instanceId);
    expect(proxy, 'the api started the egress proxy').not.toBeNull();
    await sites.connect(proxy!);
  }
  return { t, user, uid, console: (await startConsole(t.app, user)).id };
}

const sh = (l: Learner, command: string, timeoutMs = 30_000) => run(l.t.app, l.user, l.console, command, timeoutMs);
/** Asks the proxy itself, even for addresses NO_PROXY would keep away from it. */
const viaProxy = (url: string) => `env -u NO_PROXY -u no_proxy python3 ~/fetch.py ${url}`;

async function proxyLog(l: Learner): Promise<string> {
  const id = await runtime.egressProxy.find(l.t.app.instanceId);
  return (await docker.getContainer(id!).logs({ stdout: true, stderr: true })).toString('utf8');
}

async function expectIsolated(l: Learner, egress: boolean): Promise<void> {
  const out = await sh(l, 'echo "net: $(ls /sys/class/net | tr "\\n" " ")"; echo "sockets: $(find / -type s -not -path "/proc/*" -not -path "/sys/*" 2>/dev/null | tr "\\n" " ")"');
  expect(out).toContain('net: lo \n');
  expect(out).toContain(egress ? 'sockets: /run/pyhost-egress/proxy.sock \n' : 'sockets: \n');
  expect(out).not.toMatch(/docker\.sock|api\.sock/);
}

describe('egress through the proxy on the Docker Engine', () => {
  let sites: TestSites;
  let wheel: Awaited<ReturnType<typeof buildHelloWheel>>;

  beforeAll(async () => {
    sites = await TestSites.create();
    wheel = await buildHelloWheel();
    await sites.serve('pypi.test', {
      [`simple/pyhost-hello/index.html`]: `<html><body><a href="../../files/${wheel.name}">${wheel.name}</a></body></html>\n`,
      [`files/${wheel.name}`]: fs.readFileSync(wheel.file),
      'hello.txt': 'hello from pypi.test',
    });
    await sites.serve('other.test', { 'hello.txt': 'hello from other.test' });
  }, 120_000);
  afterAll(async () => {
    await sites?.close();
    if (wheel) fs.rmSync(wheel.dir, { recursive: true, force: true });
  });

  describe('allowlist (pypi.test only)', () => {
    let l: Learner;
    beforeAll(async () => {
      l = await learnerIn({ PYHOST_EGRESS: 'allowlist', PYHOST_EGRESS_ALLOW: 'pypi.test' }, sites);
    }, 120_000);
    afterAll(async () => l?.t.close());

    it('reaches the listed site by name: pip downloads from its index', async () => {
      const out = await sh(l, `pip download --no-deps -d /tmp/dl --index-url http://pypi.test:${SITE_PORT}/simple/ --trusted-host pypi.test pyhost-hello 2>&1 | tail -n 3; ls /tmp/dl`, 90_000);
      expect(out).toMatch(/Saved \/tmp\/dl\/pyhost_hello-.*\.whl/);
      expect(await sh(l, `python3 ~/fetch.py http://pypi.test:${SITE_PORT}/hello.txt`)).toContain('STATUS 200 hello from pypi.test');
    });

    it('tunnels https to the listed site (CONNECT to 443) and refuses the tunnel to any other', async () => {
      expect(await sh(l, 'python3 ~/fetch.py https://pypi.test/hello.txt')).toContain('STATUS 200 hello from pypi.test');
      expect(await sh(l, 'python3 ~/fetch.py https://other.test/hello.txt')).toMatch(/ERROR URLError .*Tunnel connection failed: 403/);
    });

    it('refuses a site that is not listed, with a page that says why', async () => {
      const out = await sh(l, `python3 ~/fetch.py http://other.test:${SITE_PORT}/hello.txt`);
      expect(out).toContain("STATUS 403 Pyhost: this server's administrator allows internet access only to listed sites; other.test is not one of them.");
      expect(out).not.toContain('hello from other.test');
    });

    it("refuses the host's address by ACL, without connecting", async () => {
      const net = await docker.getNetwork(egressNetworkName(l.t.app.instanceId)).inspect();
      const gateway = (net.IPAM?.Config?.[0] as { Gateway?: string } | undefined)?.Gateway;
      expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const out = await sh(l, viaProxy(`http://${gateway}:${SITE_PORT}/`));
      expect(out).toMatch(/STATUS 403 Pyhost: .* is an address on this server or its local network/);
      await eventually(async () => expect(await proxyLog(l)).toMatch(new RegExp(`TCP_DENIED/403 .* GET http://${gateway!.replace(/\./g, '\\.')}(:${SITE_PORT})?/ - HIER_NONE`)), { what: 'the denial in the access log' });
    });

    it('keeps the container without a network: only lo, only the proxy socket', async () => {
      await expectIsolated(l, true);
    });

    it.each(['python3.9', 'python3.13'])('reaches it from a %s console too (its own image has the forwarder)', async (python) => {
      const c = await startConsole(l.t.app, l.user, { executable: python });
      await sendInput(l.t.app, l.user, c.id, `import urllib.request; print('got', urllib.request.urlopen('http://pypi.test/hello.txt', timeout=20).read().decode())\n`);
      await eventually(async () => expect(await latestOutput(l.t.app, l.user, c.id)).toContain('got hello from pypi.test'), { timeoutMs: 30_000, what: `${python} through the proxy` });
    });

    it('runs the proxy hardened, on its own network', async () => {
      const info = await docker.getContainer((await runtime.egressProxy.find(l.t.app.instanceId))!).inspect();
      expect(info.Name).toBe(`/pyhost-${l.t.app.instanceId}-egress`);
      expect(info.HostConfig).toMatchObject({ CapDrop: ['ALL'], CapAdd: ['SETUID', 'SETGID'], ReadonlyRootfs: true, Privileged: false, PidsLimit: 256, NetworkMode: egressNetworkName(l.t.app.instanceId) });
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
      expect(info.HostConfig.Memory).toBeGreaterThan(0);
    });
  });

  describe('open', () => {
    let l: Learner;
    beforeAll(async () => {
      l = await learnerIn({ PYHOST_EGRESS: 'open' }, sites);
    }, 120_000);
    afterAll(async () => l?.t.close());

    it('reaches any site at a public address, over http and https', async () => {
      expect(await sh(l, `python3 ~/fetch.py http://other.test:${SITE_PORT}/hello.txt`)).toContain('STATUS 200 hello from other.test');
      expect(await sh(l, 'python3 ~/fetch.py https://other.test/hello.txt')).toContain('STATUS 200 hello from other.test');
    });

    it.each(['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254'])('refuses %s by ACL', async (address) => {
      const out = await sh(l, viaProxy(`http://${address}:${SITE_PORT}/`));
      expect(out).toContain(`STATUS 403 Pyhost: ${address} is an address on this server or its local network`);
    });

    it('keeps the container without a network: only lo, only the proxy socket', async () => {
      await expectIsolated(l, true);
    });

    it("runs a web app's gateway behind the forwarder, with its own PID under init, and lets its code fetch", async () => {
      const domain = `${l.user.username}.localhost`;
      const created = await l.t.app.inject({ method: 'POST', url: `/api/v0/user/${l.user.username}/webapps/`, headers: asToken(l.user.token), payload: { domain_name: domain } });
      expect(created.statusCode, created.body).toBe(201);
      await waitForState(l.t.app, l.user, domain, 'running');
      writeAsUser(wsgiFile(l.t, l.user, domain), [
        'import urllib.request',
        'def application(environ, start_response):',
        `    body = urllib.request.urlopen('http://other.test/hello.txt', timeout=10).read()`,
        "    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])",
        '    return [body]',
        '',
      ].join('\n'), l.uid);
      const reload = await l.t.app.inject({ method: 'POST', url: `/api/v0/user/${l.user.username}/webapps/${domain}/reload/`, headers: asToken(l.user.token) });
      expect(reload.statusCode, reload.body).toBe(200);
      expect((await getViaSocket(activeSocket(l.t, domain), '/', 15_000)).body).toBe('hello from other.test');

      const [webapp] = (await runtime.list(l.t.app.instanceId)).filter((c) => c.labels.kind === 'webapp' && c.state === 'running');
      const info = await docker.getContainer(webapp!.id).inspect();
      expect(info.Config.Entrypoint).toEqual(['bash', '-c', expect.stringContaining('socat TCP-LISTEN:3128'), 'pyhost-egress', 'python3', '-m', 'pyhost_gateway']);
      const ps = await runtime.execOnce(webapp!.id, ['ps', '-eo', 'pid,ppid,args'], 10_000);
      // docker-init is PID 1; the gateway took bash's place by exec, and the forwarder was handed to init.
      expect(ps.output).toMatch(/^\s*\d+\s+1\s+python3 -m pyhost_gateway$/m);
      expect(ps.output).toMatch(/^\s*\d+\s+1\s+socat TCP-LISTEN:3128/m);
      expect(ps.output).not.toMatch(/^\s*\d+\s+\d+\s+bash /m);
    });

    it('keeps the proxy while its configuration is the same, and replaces it when that changes', async () => {
      const id = (await runtime.egressProxy.find(l.t.app.instanceId))!;
      const info = await docker.getContainer(id).inspect();
      const spec = { instance: l.t.app.instanceId, image: 'pyhost-egress:latest', dir: info.HostConfig.Mounts![0]!.Source, configHash: info.Config.Labels['io.pyhost.egress-config']! };
      expect(await runtime.egressProxy.ensure(spec)).toBe('kept');
      expect(await runtime.egressProxy.ensure({ ...spec, configHash: 'b'.repeat(64) })).toBe('started');
      const replaced = await runtime.egressProxy.find(l.t.app.instanceId);
      expect(replaced).not.toBe(id);
      await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  describe('none', () => {
    let l: Learner;
    beforeAll(async () => {
      l = await learnerIn({}, null);
    }, 120_000);
    afterAll(async () => l?.t.close());

    it('has no proxy, no socket, and fails at once with an error that says so', async () => {
      expect(await runtime.egressProxy.find(l.t.app.instanceId)).toBeNull();
      const started = Date.now();
      const out = await sh(l, `python3 ~/fetch.py http://other.test:${SITE_PORT}/hello.txt; pip download --no-deps -d /tmp/dl pyhost-hello 2>&1 | tail -n 1; env | grep -ci _proxy=; ls /run/pyhost-egress 2>&1`);
      expect(out).toMatch(/ERROR URLError .*(Temporary failure in name resolution|Name or service not known|Network is unreachable)/);
      expect(out).toMatch(/No matching distribution found for pyhost-hello/);
      expect(out).toMatch(/\n0\n/);
      expect(out).toMatch(/No such file or directory/);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('keeps the container without a network: only lo, no sockets', async () => {
      await expectIsolated(l, false);
    });
  });
});
