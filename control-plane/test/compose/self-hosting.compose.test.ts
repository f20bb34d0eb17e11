import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltImages, ComposeProject, REPO_ROOT, httpTo, run } from '../helpers/compose.js';
import { unmountDisks } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { startLoad } from '../helpers/load.js';
import { freePort } from '../helpers/server-process.js';
import { multipart, uniqueName } from '../helpers/test-app.js';

/**
 * The self-hosting path end to end, on the real engine, through the real
 * docker-compose.yml: up from a clean state, an admin from the environment,
 * a user and a web app served through the router, down + image upgrade + up,
 * an api restart under load, a disk quota, and backup → wipe → restore
 * (which makes the account's disk again). Its own project
 * name, data folder and port: a developer's instance is never touched.
 */

const IMAGE = 'pyhost:compose-test';
const UPGRADED = 'pyhost:compose-test-upgraded';
const ADMIN = { username: 'ops', password: 'compose-admin-password' };
const DASHBOARD = 'localhost';

const started = Date.now();
const step = (what: string) => console.log(`[compose test +${((Date.now() - started) / 1000).toFixed(0)}s] ${what}`);

describe('self-hosting with docker compose', () => {
  let project: ComposeProject;
  let dataDir: string;
  let backupRoot: string;
  let port: number;
  let instance = '';
  let userToken = '';
  /** Removed at the end: this test's images are all of its own making. */
  const images = new BuiltImages();
  const user = uniqueName('u');
  const password = 'user-password-1';
  const domain = `${user}.localhost`;
  const fileContent = `print("kept across ${user}")\n`;
  const filePath = `/home/${user}/notes/keep.py`;

  const api = (method: string, urlPath: string, options: Parameters<typeof httpTo>[4] = {}) => httpTo(port, DASHBOARD, method, urlPath, options);
  const app = () => httpTo(port, domain, 'GET', '/');

  async function login(username: string, pw: string): Promise<{ cookie: string; csrf: string }> {
    const res = await api('POST', '/api/auth/login', { body: { username, password: pw } });
    expect(res.status, res.body).toBe(200);
    const setCookie = [res.headers['set-cookie']].flat()[0]!;
    return { cookie: setCookie.split(';')[0]!, csrf: res.json<{ csrf_token: string }>().csrf_token };
  }

  async function tokenFor(username: string, pw: string): Promise<string> {
    const session = await login(username, pw);
    const res = await api('POST', '/api/auth/tokens', { ...session, body: { name: 'compose test' } });
    expect(res.status, res.body).toBe(201);
    return res.json<{ token: string }>().token;
  }

  async function expectServed(timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        const res = await app();
        if (res.status !== 200 || !res.body.includes('Hello, World!')) throw new Error(`${res.status} ${res.body.slice(0, 200)}`);
      },
      { timeoutMs, intervalMs: 250, what: `${domain} served through the router` },
    );
  }

  /** What must survive: the account, its web app, its file, the instance id. */
  async function expectDataIntact(): Promise<void> {
    const health = await api('GET', '/api/health');
    expect(health.json<{ instance: string }>().instance).toBe(instance);
    const fresh = await tokenFor(user, password);
    const apps = await api('GET', `/api/v0/user/${user}/webapps/`, { token: fresh });
    expect(apps.json<{ domain_name: string }[]>().map((w) => w.domain_name)).toEqual([domain]);
    const file = await api('GET', `/api/v0/user/${user}/files/path${filePath}`, { token: fresh });
    expect(file.body).toBe(fileContent);
    // The token made before is still valid: sessions and tokens live in the database too.
    expect((await api('GET', '/api/auth/me', { token: userToken })).status).toBe(200);
  }

  async function instanceContainers(): Promise<string[]> {
    if (!instance) return [];
    const out = await run('docker', ['ps', '-aq', '--filter', `label=io.pyhost.instance=${instance}`]);
    return out.stdout.split('\n').filter(Boolean);
  }

  async function mustRun(command: string, args: string[]): Promise<void> {
    const res = await run(command, args);
    if (res.code !== 0) throw new Error(`${command} ${args.join(' ')}: ${res.stderr}`);
  }

  /** The container that mounts users' disks is the api's helper, not a compose service: `down` leaves it. */
  async function removeHostHelper(): Promise<void> {
    const out = await run('docker', ['ps', '-aq', '--filter', `label=io.pyhost.host-helper=${instance}`]);
    const ids = out.stdout.split('\n').filter(Boolean);
    if (instance && ids.length > 0) await run('docker', ['rm', '--force', ...ids]);
  }

  const userRoot = () => path.join(dataDir, 'users', user);
  const hasOwnDisk = () => fs.statSync(userRoot()).dev !== fs.statSync(dataDir).dev;

  async function expectQuota(mb: number): Promise<void> {
    expect(hasOwnDisk()).toBe(true);
    // Answered by the api from its own view of the folder: the mount propagated into its container.
    const disk = await api('GET', `/api/v0/user/${user}/disk/`, { token: userToken });
    expect(disk.status, disk.body).toBe(200);
    expect(disk.json<{ quota_bytes: number; size_bytes: number }>()).toMatchObject({ quota_bytes: mb * 1024 * 1024 });
    expect(disk.json<{ size_bytes: number }>().size_bytes).toBeGreaterThan((mb - 4) * 1024 * 1024);
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-compose-data-'));
    // The api and the router see users' disks mounted later only from a shared mount (compose: rslave), as / is under systemd.
    await mustRun('mount', ['--bind', dataDir, dataDir]);
    await mustRun('mount', ['--make-rshared', dataDir]);
    backupRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-compose-backup-'));
    port = await freePort();
    if (!fs.existsSync(path.join(REPO_ROOT, 'control-plane/dist/server.js'))) throw new Error('run `npm run build` first: the image is made from dist/');
    const base = await run('bash', [path.join(REPO_ROOT, 'scripts/build-node-base.sh')]);
    if (base.code !== 0) throw new Error(`build-node-base.sh failed: ${base.stderr}`);
    const nodeImage = base.stdout.trim().split('\n').pop()!;
    project = new ComposeProject(`pyhostct${uniqueName('').slice(0, 8)}`, {
      PYHOST_DATA: dataDir,
      PYHOST_PORT: String(port),
      PYHOST_HTTPS_PORT: String(await freePort()),
      PYHOST_HOST: '127.0.0.1',
      PYHOST_DOMAIN: DASHBOARD,
      PYHOST_ADMIN_USER: ADMIN.username,
      PYHOST_ADMIN_PASSWORD: ADMIN.password,
      PYHOST_IMAGE: IMAGE,
      PYHOST_NODE_IMAGE: nodeImage,
      PYHOST_HEALTHCHECK_INTERVAL: '1s',
    });
    step(`building ${IMAGE} with ${project.tool} build (project ${project.name}, port ${port}, data ${dataDir})`);
    await images.build(IMAGE, nodeImage, () => project.run(['build', 'api']));
    step('built');
  }, 900_000);

  afterAll(async () => {
    const leftovers = await instanceContainers().catch(() => []);
    await project?.destroy();
    if (leftovers.length > 0) await run('docker', ['rm', '--force', '--volumes', ...leftovers]);
    await removeHostHelper();
    const removed = await images.remove();
    if (dataDir) {
      unmountDisks(dataDir);
      await run('umount', [dataDir]);
    }
    for (const dir of [dataDir, backupRoot]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    step(`cleaned up (${removed} images removed)`);
  }, 120_000);

  it('comes up from a clean state with both health checks green and no open setup', async () => {
    await project.run(['up', '--detach']);
    await project.waitHealthy(['api', 'router']);
    step('api and router healthy');
    const health = await api('GET', '/api/health');
    expect(health.status).toBe(200);
    instance = health.json<{ instance: string }>().instance;
    expect(instance).toMatch(/^[0-9a-f]{12}$/);
    // The admin came from the environment: no setup token, setup closed, sign-up closed.
    expect((await project.run(['logs', '--no-color', 'api'])).stdout).not.toMatch(/setup token/);
    expect((await api('GET', '/api/auth/setup')).json()).toEqual({ required: false });
    expect((await api('POST', '/api/auth/signup', { body: { username: uniqueName(), password: 'password123' } })).status).toBe(403);
    // The image carries the built dashboard, which the api serves at the dashboard host.
    const dashboard = await api('GET', '/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatch(/<html/i);
    // The runtime image service ran and went away; only the api has the Docker socket.
    const runtimeState = await project.inspect('runtime-image');
    expect(runtimeState.running).toBe(false);
    const mounts = await run('docker', ['inspect', '--format', '{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}', await project.containerId('router')]);
    expect(mounts.stdout).not.toContain('docker.sock');
    expect(mounts.stdout).toContain(`${dataDir}:${dataDir}`);
  });

  it('refuses to start the api on a data folder that the host sees at another path (the sibling-container trap)', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-compose-trap-'));
    try {
      const res = await run('docker', ['run', '--rm', '--network', 'none', '--volume', `${elsewhere}:/var/lib/pyhost`,
        '--volume', '/var/run/docker.sock:/var/run/docker.sock', '--env', 'PYHOST_DATA=/var/lib/pyhost', IMAGE], { timeoutMs: 60_000 });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`PYHOST_DATA is /var/lib/pyhost in this container but ${elsewhere} on the host`);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('lets the admin create a user, whose web app is served through the router on PYHOST_PORT', async () => {
    const admin = await tokenFor(ADMIN.username, ADMIN.password);
    const signup = await api('POST', '/api/auth/signup', { token: admin, body: { username: user, password } });
    expect(signup.status, signup.body).toBe(201);
    userToken = await tokenFor(user, password);
    const created = await api('POST', `/api/v0/user/${user}/webapps/`, { token: userToken, body: { domain_name: domain } });
    expect(created.status, created.body).toBe(201);
    const upload = await api('POST', `/api/v0/user/${user}/files/path${filePath}`, { token: userToken, raw: multipart(fileContent) });
    expect(upload.status, upload.body).toBe(201);
    await expectServed();
    step('web app served through the router');
    // Web-app containers are the host engine's siblings, labelled with this instance.
    expect((await instanceContainers()).length).toBeGreaterThan(0);
  });

  it('keeps users, web apps and files across down, an image upgrade and up', async () => {
    await project.run(['down', '--timeout', '20']);
    expect(await project.containerId('api')).toBe('');
    // An upgrade: a new image id (same code plus a label), as a rebuild would give.
    const context = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-upgrade-'));
    try {
      fs.writeFileSync(path.join(context, 'Dockerfile'), `FROM ${IMAGE}\nLABEL io.pyhost.upgraded="${Date.now()}"\n`);
      await images.build(UPGRADED, IMAGE, async () => {
        const built = await run('docker', ['build', '--tag', UPGRADED, context], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
        expect(built.code, built.stderr).toBe(0);
      });
    } finally {
      fs.rmSync(context, { recursive: true, force: true });
    }
    project.env.PYHOST_IMAGE = UPGRADED;
    await project.run(['up', '--detach']);
    await project.waitHealthy(['api', 'router']);
    const image = await run('docker', ['inspect', '--format', '{{.Config.Image}}', await project.containerId('api')]);
    expect(image.stdout.trim()).toBe(UPGRADED);
    step('up again on the upgraded image');
    await expectServed();
    await expectDataIntact();
  });

  it('drops no app request while the api restarts (20 clients through the router)', async () => {
    const before = await project.inspect('api');
    const load = startLoad({
      url: `http://127.0.0.1:${port}/`,
      host: domain,
      concurrency: 20,
      durationMs: 120_000,
      requestTimeoutMs: 10_000,
      expectBodyIncludes: 'Hello, World!',
    });
    try {
      await sleep(1000);
      await project.run(['restart', 'api']);
      await project.waitHealthy(['api']);
      await sleep(1000);
    } finally {
      const result = await load.stop();
      step(`load during the api restart: ${result.requests} requests, ${result.failures} failed, p99 ${result.latenciesMs.p99} ms`);
      expect(result.failureSamples).toEqual([]);
      expect(result.failures).toBe(0);
      expect(result.requests).toBeGreaterThan(200);
    }
    expect((await project.inspect('api')).startedAt).not.toBe(before.startedAt);
  });

  it("gives the user's files a disk of their own from the Admin page, which the api and the router see at once", async () => {
    const admin = await tokenFor(ADMIN.username, ADMIN.password);
    const res = await api('PATCH', `/api/admin/users/${user}/limits`, { token: admin, body: { disk_mb: 64 } });
    expect(res.status, res.body).toBe(200);
    await expectQuota(64);
    // Its web app moved onto the disk with its files, and serves from there (restarted by the reconciler).
    await expectServed(90_000);
    await expectDataIntact();
    step('disk quota: mounted on the host, seen by the api, the app serving from it');
  });

  it('backs up online, refuses to restore under a running api, and restores a wiped instance', async () => {
    const inData = path.join(dataDir, 'backups', 'b1');
    const backup = await project.run(['exec', '-T', 'api', 'node', 'control-plane/dist/cli/backup.js', inData]);
    expect(backup.stdout).toMatch(/backup: 2 users, 1 web apps/);
    const refused = await project.run(['exec', '-T', 'api', 'node', 'control-plane/dist/cli/restore.js', inData], { allowFailure: true });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the api is running .* stop it first/);
    const saved = path.join(backupRoot, 'b1');
    fs.cpSync(inData, saved, { recursive: true });
    step('backup taken');

    // Disaster: the platform down, its web-app containers gone, the data folder emptied.
    await project.run(['down', '--timeout', '20']);
    const containers = await instanceContainers();
    if (containers.length > 0) await run('docker', ['rm', '--force', ...containers]);
    // A fresh machine: no disk mounted, no helper container.
    unmountDisks(dataDir);
    await removeHostHelper();
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });

    const restore = await project.run(['run', '--rm', '--no-deps', '-T', '--volume', `${backupRoot}:${backupRoot}:ro`, 'api', 'node', 'control-plane/dist/cli/restore.js', saved]);
    expect(restore.stdout).toMatch(/restore: 2 users, 1 web apps/);
    step('restored');
    await project.run(['up', '--detach']);
    await project.waitHealthy(['api', 'router']);
    // The reconciler starts the web app again from the restored database.
    await expectServed(90_000);
    await expectDataIntact();
    // The account's quota came back with its row, and its disk was made again from the restored files.
    await expectQuota(64);
    step('same users, web app, files and disk quota after the restore');
  });
});
