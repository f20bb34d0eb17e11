// Runtime image build times, one per Python version, run by hand (needs
// root for --base, and the Docker Engine: `bash scripts/ensure-docker.sh`):
//
//   npx tsx bench/image-build.ts            # each image from its base, no cache
//   npx tsx bench/image-build.ts --base     # also debootstrap + import each base, as on a fresh machine
//   npx tsx bench/image-build.ts 3.13       # one version
//
// Builds one version at a time (so that each time is its own, not shared
// with a parallel build), under throwaway tags (pyhost-runtime-bench:…)
// that are removed afterwards; the real images are not touched. Prints a
// table of seconds per version.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The same pairs as scripts/lib/runtime-images.sh. */
const RELEASES: Record<string, string> = { '3.9': 'bullseye', '3.11': 'bookworm', '3.13': 'trixie' };

function run(cmd: string, args: string[], options: { input?: NodeJS.ReadableStream } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [options.input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    if (options.input) options.input.pipe(child.stdin!);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

async function timed(work: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** debootstrap + docker import, as scripts/lib/base-images.sh does when the base cannot be pulled. */
async function buildBase(release: string): Promise<number> {
  const rootfs = fs.mkdtempSync(path.join(os.tmpdir(), `pyhost-bench-${release}-`));
  try {
    return await timed(async () => {
      await run('debootstrap', ['--variant=minbase', '--include=python3,ca-certificates', release, rootfs]);
      const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      await run('docker', ['import', '-', `pyhost-runtime-bench-base:${release}`], { input: tar.stdout });
    });
  } finally {
    fs.rmSync(rootfs, { recursive: true, force: true });
    await run('docker', ['image', 'rm', `pyhost-runtime-bench-base:${release}`]).catch(() => undefined);
  }
}

async function buildImage(version: string): Promise<number> {
  const tag = `pyhost-runtime-bench:python${version.replace('.', '')}`;
  try {
    return await timed(() => run('docker', [
      'build', '--no-cache', '--build-arg', `DEBIAN_RELEASE=${RELEASES[version]}`, '--build-arg', `PYTHON_VERSION=${version}`,
      '-t', tag, path.join(ROOT, 'runtime-image'),
    ]));
  } finally {
    await run('docker', ['image', 'rm', tag]).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const withBase = process.argv.includes('--base');
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const versions = asked.length > 0 ? asked : Object.keys(RELEASES);
  for (const v of versions) if (!RELEASES[v]) throw new Error(`no runtime image for Python ${v} (there are ${Object.keys(RELEASES).join(', ')})`);
  const rows: string[][] = [];
  for (const v of versions) {
    const base = withBase ? await buildBase(RELEASES[v]!) : null;
    const image = await buildImage(v);
    rows.push([v, RELEASES[v]!, base === null ? '—' : base.toFixed(0), image.toFixed(0), (image + (base ?? 0)).toFixed(0)]);
    process.stderr.write(`python ${v}: done\n`);
  }
  const header = ['python', 'debian', 'base s (debootstrap + import)', 'image s (--no-cache)', 'total s'];
  const lines = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  process.stdout.write(`Runtime image build, one version at a time, ${os.cpus().length} cores\n\n${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
