import fsp from 'node:fs/promises';
import path from 'node:path';

// A container's CPU and memory counters straight from its cgroup, where the
// api can see the host's /sys/fs/cgroup (npm start, as root). The engine's
// stats endpoint answers the same numbers, but only at its collector's next
// one-second tick, and costs the engine a few milliseconds per container:
// the CPU meter's sweep over a few hundred containers would take minutes
// and a good part of a CPU. Reading two small files takes microseconds.
// Where the files are not there (the api in its compose container, another
// cgroup driver), the caller asks the engine instead.

export interface CgroupCounters {
  /** CPU time used by the container since it started, µs. */
  readonly usageUsec: number;
  /** Memory in use as `docker stats` counts it (usage minus inactive page cache), bytes; null when unknown. */
  readonly memoryBytes: number | null;
}

/** Where the container's cgroup may be, per hierarchy and driver (Docker's cgroupfs and systemd drivers). */
function candidates(root: string, id: string): { version: 1 | 2; cpu: string; memory: string }[] {
  return [
    { version: 1, cpu: path.join(root, 'cpuacct', 'docker', id), memory: path.join(root, 'memory', 'docker', id) },
    { version: 1, cpu: path.join(root, 'cpuacct', 'system.slice', `docker-${id}.scope`), memory: path.join(root, 'memory', 'system.slice', `docker-${id}.scope`) },
    { version: 2, cpu: path.join(root, 'system.slice', `docker-${id}.scope`), memory: path.join(root, 'system.slice', `docker-${id}.scope`) },
    { version: 2, cpu: path.join(root, 'docker', id), memory: path.join(root, 'docker', id) },
  ];
}

const readText = (file: string) => fsp.readFile(file, 'utf8').catch(() => null);

/** `key value` lines (cpu.stat, memory.stat) as numbers. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value !== undefined && /^\d+$/.test(value)) out.set(key, Number(value));
  }
  return out;
}

/** Memory in use as `docker stats` counts it: the usage less the inactive page cache (which the kernel frees first). */
export function usageLessCache(usage: number | null, inactiveFile: number | undefined): number | null {
  if (usage === null) return null;
  const cache = inactiveFile ?? 0;
  return Math.max(0, usage - (cache < usage ? cache : 0));
}

function memoryInUse(usage: number | null, stat: Map<string, number> | null): number | null {
  return usageLessCache(usage, stat?.get('inactive_file') ?? stat?.get('total_inactive_file'));
}

/**
 * The counters of container `id` (the engine's 64-hex id) under `root`
 * (normally /sys/fs/cgroup); null when its cgroup is not found there. The
 * paths are made from the engine's id and the kernel's own tree, which no
 * user can write.
 */
export async function readCgroupCounters(root: string, id: string): Promise<CgroupCounters | null> {
  if (!/^[0-9a-f]{64}$/.test(id)) return null;
  for (const c of candidates(root, id)) {
    if (c.version === 1) {
      const usage = await readText(path.join(c.cpu, 'cpuacct.usage'));
      if (usage === null || !/^\d+\s*$/.test(usage)) continue;
      const memUsage = await readText(path.join(c.memory, 'memory.usage_in_bytes'));
      const memStat = await readText(path.join(c.memory, 'memory.stat'));
      return {
        usageUsec: Math.floor(Number(usage) / 1000),
        memoryBytes: memoryInUse(memUsage !== null && /^\d+\s*$/.test(memUsage) ? Number(memUsage) : null, memStat === null ? null : parseFlatKeyed(memStat)),
      };
    }
    const cpuStat = await readText(path.join(c.cpu, 'cpu.stat'));
    const usageUsec = cpuStat === null ? undefined : parseFlatKeyed(cpuStat).get('usage_usec');
    if (usageUsec === undefined) continue;
    const current = await readText(path.join(c.memory, 'memory.current'));
    const memStat = await readText(path.join(c.memory, 'memory.stat'));
    return {
      usageUsec,
      memoryBytes: memoryInUse(current !== null && /^\d+\s*$/.test(current) ? Number(current) : null, memStat === null ? null : parseFlatKeyed(memStat)),
    };
  }
  return null;
}
