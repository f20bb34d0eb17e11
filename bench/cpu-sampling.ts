// What metering costs (docs/cpu-seconds.md, docs/usage-charts.md): the CPU
// meter's sweep reads every running container's counters
// (DockerRuntime.cpuSamples), from its cgroup's files where the api sees
// the host's /sys/fs/cgroup, else from the engine's stats (one call per
// container, which waits for the engine's once-a-second collector). Both
// ways are measured side by side. Run by hand, as root with the Docker
// Engine and the runtime image:
//
//   npx tsx bench/cpu-sampling.ts
//   COUNTS=50,100,200 SWEEPS=5 npx tsx bench/cpu-sampling.ts
//
// Starts idle containers (`sleep infinity` in the runtime image, no
// network, 32 MiB) labelled for a throw-away instance id, times SWEEPS
// sweeps at each count, and reports the wall time of a sweep and the CPU
// it cost this process (what the api pays) and the engine (dockerd and
// containerd). The share of a CPU is that cost at the default interval
// (PYHOST_CPU_SAMPLE_SECONDS=5). Every container is removed at the end.
import { randomBytes } from 'node:crypto';
import { createDockerClient, DockerRuntime } from '../control-plane/src/runtime/docker-runtime.js';
import { buildLabels } from '../control-plane/src/runtime/labels.js';
import { engineCpuSeconds, loadAverage, ownCpuSeconds } from './load-tools.js';

const COUNTS = (process.env.COUNTS ?? '50,100,200').split(',').map(Number);
const SWEEPS = Number(process.env.SWEEPS ?? 5);
const IMAGE = process.env.PYHOST_RUNTIME_IMAGE ?? 'pyhost-runtime:latest';
const INTERVAL_S = 5;

async function main(): Promise<void> {
  const docker = createDockerClient();
  const ways = [
    { name: 'cgroup files', runtime: new DockerRuntime(docker) },
    { name: 'engine stats', runtime: new DockerRuntime(docker, null) },
  ];
  const instance = `bench-sampling-${randomBytes(3).toString('hex')}`;
  const ids: string[] = [];
  const rows: string[] = [];
  console.log(`load average at start: ${loadAverage()}`);
  try {
    for (const count of [...COUNTS].sort((a, b) => a - b)) {
      while (ids.length < count) {
        const n = ids.length + 1;
        const c = await docker.createContainer({
          Image: IMAGE,
          // The image's entrypoint is the gateway; an idle container is just a sleep.
          Entrypoint: ['sleep'],
          Cmd: ['infinity'],
          Labels: buildLabels({ instance, user: `bench${n}`, kind: 'console', workload: n, generation: null }),
          HostConfig: { NetworkMode: 'none', Memory: 32 * 1024 * 1024, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] },
        });
        ids.push(c.id);
        await c.start();
      }
      for (const way of ways) {
        const walls: number[] = [];
        const own0 = ownCpuSeconds();
        const engine0 = engineCpuSeconds();
        let seen = 0;
        for (let i = 0; i < SWEEPS; i++) {
          const t0 = performance.now();
          seen = (await way.runtime.cpuSamples(instance)).length;
          walls.push(performance.now() - t0);
        }
        if (seen !== count) throw new Error(`a sweep (${way.name}) saw ${seen} of ${count} containers`);
        const own = (ownCpuSeconds() - own0) / SWEEPS;
        const engine = (engineCpuSeconds() - engine0) / SWEEPS;
        walls.sort((a, b) => a - b);
        const median = walls[Math.floor(walls.length / 2)]!;
        rows.push(
          `| ${count} | ${way.name} | ${(median / 1000).toFixed(2)} s | ${(own * 1000).toFixed(0)} ms | ${(engine * 1000).toFixed(0)} ms | ${(((own + engine) / INTERVAL_S) * 100).toFixed(1)}% |`,
        );
      }
    }
  } finally {
    for (const id of ids) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
  }
  console.log(`\n${SWEEPS} sweeps at each count, idle containers; load average at the end: ${loadAverage()}.\n`);
  console.log('| running containers | read from | sweep, median wall time | this process CPU per sweep | engine CPU per sweep | share of one CPU at a sweep every 5 s |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
}

await main();
