// What a disk quota costs an account's writes (docs/disk-quotas.md), run by
// hand (root, the Docker Engine and the runtime image):
//
//   npx tsx bench/disk-write.ts
//   ROUNDS=3 npx tsx bench/disk-write.ts
//
// An account with a quota has its files on its own sparse ext4 image,
// loop-mounted at users/<u> (services/accounts/user-disks.ts); one without
// has them in a plain folder on the host's filesystem. Both write 1 GiB of
// zeros from a console (its real container, its uid, its home) with dd,
// flushed (conv=fdatasync) so that the page cache does not hide the disk,
// in 1 MiB blocks and in 4 KiB ones, and delete it again. The machine is
// shared, so the cases alternate within one run: every round writes once
// per case and block size, the order turning each round, and each case's
// figure is the median of its rounds. The image and the plain folder sit
// on the same host filesystem (the data directory, under the temp folder),
// so the difference is the loop device and the filesystem on it.
//
// The first use of a quota'd account's files makes its disk (mkfs, mount,
// the reserve); that is timed once, as the first files API write, beside
// the same write for the account without a quota.
import fs from 'node:fs';
import { adminToken, asToken, multipart, type TestUser } from '../control-plane/test/helpers/test-app.js';
import { createDockerTestApp, docker, newUser, type DockerTestApp } from '../control-plane/test/helpers/docker-app.js';
import { run, startConsole } from '../control-plane/test/helpers/consoles.js';
import { eventually } from '../control-plane/test/helpers/eventually.js';
import { userDirs } from '../control-plane/src/domain/layout.js';
import { loadAverage } from './load-tools.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const QUOTA = '3G';
const GiB = 1024 * 1024 * 1024;
const WRITES = [
  { label: '1 GiB in 1 MiB blocks', args: 'bs=1M count=1024' },
  { label: '1 GiB in 4 KiB blocks', args: `bs=4k count=${GiB / 4096}` },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

interface Case {
  name: string;
  user: TestUser;
  consoleId: number;
}

/** dd's own figure for one flushed write, in MB/s (10^6 bytes, as dd counts), from its last "copied" line. */
function ddMbPerSecond(out: string): number {
  const lines = [...out.matchAll(/(\d+) bytes .*? copied, ([\d.]+) s/g)];
  const last = lines.at(-1);
  if (!last) throw new Error(`dd printed no "copied" line; output ends: ${JSON.stringify(out.slice(-400))}`);
  const bytes = Number(last[1]);
  if (bytes !== GiB) throw new Error(`dd wrote ${bytes} bytes, not 1 GiB: ${JSON.stringify(out.slice(-400))}`);
  return bytes / Number(last[2]) / 1e6;
}

async function write(t: DockerTestApp, c: Case, args: string): Promise<number> {
  const out = await run(t.app, c.user, c.consoleId, `dd if=/dev/zero of=~/big ${args} conv=fdatasync 2>&1; rm -f ~/big`, 300_000);
  return ddMbPerSecond(out);
}

/** The first files API write of an account, in ms: for a quota'd one, it makes the account's disk first. */
async function firstWrite(t: DockerTestApp, user: TestUser): Promise<number> {
  const body = multipart('first file\n');
  const t0 = performance.now();
  const res = await t.app.inject({
    method: 'POST', url: `/api/v0/user/${user.username}/files/path/home/${user.username}/first.txt`,
    headers: { ...asToken(user.token), ...body.headers }, payload: body.payload,
  });
  const ms = performance.now() - t0;
  if (res.statusCode !== 201) throw new Error(`first write for ${user.username}: ${res.statusCode} ${res.body}`);
  return ms;
}

async function main(): Promise<void> {
  await eventually(() => docker.ping(), { timeoutMs: 30_000, what: 'the Docker Engine' });
  const t = await createDockerTestApp({ PYHOST_DISK_QUOTA: QUOTA, PYHOST_LOG_LEVEL: 'warn' }, { disks: true });
  // Ctrl-C or a kill still unmounts the disks and removes the containers and the data directory.
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= t.close());
  const onSignal = () => void close().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const admin = asToken(await adminToken(t.app));
    const quotad = (await newUser(t.app)).user;
    const unlimited = (await newUser(t.app)).user;
    const noQuota = await t.app.inject({ method: 'PATCH', url: `/api/admin/users/${unlimited.username}/limits`, headers: admin, payload: { disk_mb: 0 } });
    if (noQuota.statusCode !== 200) throw new Error(`no quota for ${unlimited.username}: ${noQuota.body}`);

    const firstQuotad = await firstWrite(t, quotad);
    const firstUnlimited = await firstWrite(t, unlimited);
    const onOwnDisk = (user: TestUser) => fs.statSync(userDirs(t.dataDir, user.username).root).dev !== fs.statSync(t.dataDir).dev;
    if (!onOwnDisk(quotad) || onOwnDisk(unlimited)) throw new Error('expected only the quota\'d account on a disk of its own');

    const cases: Case[] = [];
    for (const [name, user] of [[`quota ${QUOTA} (own ext4 image, loop-mounted)`, quotad], ['no quota (plain folder)', unlimited]] as const) {
      cases.push({ name, user, consoleId: (await startConsole(t.app, user, { executable: 'bash' })).id });
    }
    // The console's filesystem as the account sees it, to show which disk each case wrote to.
    for (const c of cases) console.log(`${c.name}: ${(await run(t.app, c.user, c.consoleId, 'df -h --output=source,fstype,size,avail ~ | tail -1', 60_000)).trim().split('\n').at(-1)}`);

    const mbps = new Map<string, number[]>(cases.flatMap((c) => WRITES.map((w) => [`${c.name}|${w.label}`, []] as [string, number[]])));
    const t0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? cases : [...cases].reverse();
      const got: string[] = [];
      for (const w of WRITES) {
        for (const c of order) {
          const x = await write(t, c, w.args);
          mbps.get(`${c.name}|${w.label}`)!.push(x);
          got.push(`${c.user === cases[0]!.user ? 'quota' : 'none'} ${w.args.split(' ')[0]} ${x.toFixed(0)}`);
        }
      }
      console.log(`round ${round + 1}/${ROUNDS} (MB/s: ${got.join(', ')}), ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadAverage()}`);
    }

    console.log(`\n| write (dd, conv=fdatasync), ${ROUNDS} rounds | case | MB/s median (min–max) | quota'd / unlimited (per-round range) |`);
    console.log('| --- | --- | ---: | ---: |');
    for (const w of WRITES) {
      const [q, u] = cases.map((c) => mbps.get(`${c.name}|${w.label}`)!) as [number[], number[]];
      const ratios = q.map((x, i) => x / u[i]!);
      console.log(`| ${w.label} | ${cases[0]!.name} | ${median(q).toFixed(0)} (${range(q, 0)}) | ${(median(q) / median(u)).toFixed(2)} (${range(ratios, 2)}) |`);
      console.log(`| ${w.label} | ${cases[1]!.name} | ${median(u).toFixed(0)} (${range(u, 0)}) | 1 |`);
    }
    console.log(`\n| first files API write | ms |`);
    console.log('| --- | ---: |');
    console.log(`| quota ${QUOTA}: makes the disk (sparse image, mkfs.ext4, mount, reserve) | ${firstQuotad.toFixed(0)} |`);
    console.log(`| no quota | ${firstUnlimited.toFixed(0)} |`);
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
