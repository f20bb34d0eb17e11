import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs, userDiskImage } from '../../src/domain/layout.js';
import { createDockerTestApp, docker, newUser, type DockerTestApp } from '../helpers/docker-app.js';
import { run, startConsole } from '../helpers/consoles.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken, multipart, type TestUser } from '../helpers/test-app.js';

const MiB = 1024 * 1024;

/**
 * Disk quotas on the real engine and real loop-mounted ext4 (64 MiB each):
 * a console that writes past its quota gets "No space left on device"
 * while what the host gave the account stays within the quota and another
 * account writes on; the files API answers 507; a bigger quota lets the
 * same console write on without restarting anything; a smaller one than the
 * files take is refused; a disk unmounted (a reboot) is mounted again with
 * its files; deleting the account deletes its disk.
 */
describe('disk quotas on the real Docker Engine', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let bob: TestUser;
  let admin: Record<string, string>;

  const upload = (user: TestUser, name: string, bytes: number) => {
    const body = multipart(Buffer.alloc(bytes, 7));
    return t.app.inject({ method: 'POST', url: `/api/v0/user/${user.username}/files/path/home/${user.username}/${name}`, headers: { ...asToken(user.token), ...body.headers }, payload: body.payload });
  };
  const rootOf = (user: TestUser) => userDirs(t.dataDir, user.username).root;
  const isMounted = (user: TestUser) => fs.statSync(rootOf(user)).dev !== fs.statSync(t.dataDir).dev;
  const row = (user: TestUser) => t.app.stores.users.byUsername(user.username)!;
  const setQuota = (user: TestUser, disk_mb: number) =>
    t.app.inject({ method: 'PATCH', url: `/api/admin/users/${user.username}/limits`, headers: admin, payload: { disk_mb } });

  /** What `df` in the console says the home folder can hold: used plus available, in MiB (its quota). */
  const dfMb = async (consoleId: number) => {
    const out = await run(t.app, alice, consoleId, 'df -B1K --output=used,avail ~ | tail -1', 60_000);
    const [used, avail] = (/(\d+)\s+(\d+)\s*$/.exec(out.trim()) ?? []).slice(1).map(Number);
    return (used! + avail!) / 1024;
  };

  beforeAll(async () => {
    await eventually(() => docker.ping(), { timeoutMs: 30_000, what: 'the Docker Engine' });
    t = await createDockerTestApp({ PYHOST_DISK_QUOTA: '64M' }, { disks: true });
    admin = asToken(await adminToken(t.app));
    alice = (await newUser(t.app)).user;
    bob = (await newUser(t.app)).user;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  }, 120_000);

  it('gives each account its own disk at the first use of its files, with its files on it', async () => {
    const first = await upload(alice, 'hello.txt', 5);
    expect(first.statusCode, first.body).toBe(201);
    expect(isMounted(alice)).toBe(true);
    expect(fs.readFileSync(`${userDirs(t.dataDir, alice.username).home}/hello.txt`)).toHaveLength(5);
    const disk = (await t.app.inject({ url: `/api/v0/user/${alice.username}/disk/`, headers: asToken(alice.token) })).json<{ quota_bytes: number; size_bytes: number; used_bytes: number }>();
    expect(disk.quota_bytes).toBe(64 * MiB);
    expect(disk.size_bytes).toBeGreaterThan(48 * MiB);
    expect(disk.size_bytes).toBeLessThanOrEqual(64 * MiB);
  }, 60_000);

  it('fails a console write past the quota with "No space left on device", while the host holds at most the quota and another account writes on', async () => {
    const console = await startConsole(t.app, alice, { executable: 'bash' });
    expect(await dfMb(console.id)).toBeGreaterThan(56);
    expect(await dfMb(console.id)).toBeLessThanOrEqual(64);

    const out = await run(t.app, alice, console.id, 'dd if=/dev/zero of=~/big bs=1M count=200 2>&1; echo "rc=$?"', 60_000);
    expect(out).toMatch(/No space left on device/);
    expect(out).toMatch(/rc=1/);
    // Sparse: the host gave the account what it wrote (its quota) and ext4's journal, nothing more.
    expect(fs.statSync(userDiskImage(t.dataDir, alice.username)).blocks * 512).toBeLessThanOrEqual(64 * MiB + 24 * MiB);

    expect((await upload(bob, 'fine.bin', 4 * MiB)).statusCode).toBe(201);
    expect((await upload(alice, 'more.bin', MiB)).statusCode).toBe(507);
    const refused = await upload(alice, 'more.bin', MiB);
    expect(refused.json()).toMatchObject({ error: 'Insufficient Storage' });
    expect(refused.json<{ detail: string }>().detail).toMatch(/no room left on this account's disk/);
    // Nothing half-written was left behind.
    expect(fs.existsSync(`${userDirs(t.dataDir, alice.username).home}/more.bin`)).toBe(false);

    // A bigger quota, with the same console still open: its next write goes through.
    const containerBefore = (await docker.listContainers({ filters: { label: [`io.pyhost.user=${alice.username}`, 'io.pyhost.kind=console'] } }))[0]?.Id;
    expect((await setQuota(alice, 100)).statusCode).toBe(200);
    const grown = await run(t.app, alice, console.id, 'dd if=/dev/zero of=~/big2 bs=1M count=30 2>&1; echo "rc=$?"', 60_000);
    expect(grown).toMatch(/rc=0/);
    expect(await dfMb(console.id)).toBeGreaterThan(96);
    expect(await dfMb(console.id)).toBeLessThanOrEqual(100);
    const containerAfter = (await docker.listContainers({ filters: { label: [`io.pyhost.user=${alice.username}`, 'io.pyhost.kind=console'] } }))[0]?.Id;
    expect(containerAfter).toBe(containerBefore);
  }, 180_000);

  it('refuses a quota below what the files take, and changes nothing', async () => {
    const res = await setQuota(alice, 40);
    expect(res.statusCode).toBe(409);
    expect(res.json<{ detail: string }>().detail).toMatch(/files take \d+ MiB; the quota cannot go below that/);
    expect(t.app.services.limits.of(row(alice)).disk_mb).toBe(100);
    expect((await setQuota(alice, 8)).statusCode).toBe(400);
  });

  it('mounts a disk again after it was unmounted (a reboot), with its files', async () => {
    await t.app.services.consoles.endAll(row(alice), 'test');
    for (const c of await docker.listContainers({ filters: { label: [`io.pyhost.user=${alice.username}`] } })) await docker.getContainer(c.Id).remove({ force: true });
    const { execFileSync } = await import('node:child_process');
    execFileSync('umount', [rootOf(alice)]);
    expect(isMounted(alice)).toBe(false);
    await t.app.services.disks.ensureAll();
    expect(isMounted(alice)).toBe(true);
    expect(fs.readFileSync(`${userDirs(t.dataDir, alice.username).home}/hello.txt`)).toHaveLength(5);
  }, 60_000);

  it('grows a disk past twice its first size, its files kept (online where the kernel allows, else with its containers restarted)', async () => {
    expect((await setQuota(alice, 300)).statusCode).toBe(200);
    const disk = t.app.services.disks.figures(row(alice))!;
    expect(disk.sizeBytes).toBeGreaterThan(290 * MiB);
    expect(disk.sizeBytes).toBeLessThanOrEqual(300 * MiB);
    expect(fs.readFileSync(`${userDirs(t.dataDir, alice.username).home}/hello.txt`)).toHaveLength(5);
  }, 60_000);

  it("deletes the account's disk with the account", async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${bob.username}`, headers: admin, payload: { confirm: bob.username, files: 'erase' } });
    expect(res.statusCode).toBe(200);
    expect(fs.existsSync(userDiskImage(t.dataDir, bob.username))).toBe(false);
    expect(fs.existsSync(rootOf(bob))).toBe(false);
  }, 60_000);
});
