import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCgroupCounters } from '../../src/runtime/cgroup-counters.js';

const id = 'ab'.repeat(32);
let root: string;

function write(rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('a container\'s counters read from its cgroup', () => {
  it('under cgroup v1 (cgroupfs driver): cpuacct.usage in ns, memory less its inactive page cache', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-cgroup-'));
    write(`cpuacct/docker/${id}/cpuacct.usage`, '2500000123\n');
    write(`memory/docker/${id}/memory.usage_in_bytes`, '10485760\n');
    write(`memory/docker/${id}/memory.stat`, 'cache 4194304\ntotal_inactive_file 3145728\n');
    expect(await readCgroupCounters(root, id)).toEqual({ usageUsec: 2_500_000, memoryBytes: 10_485_760 - 3_145_728 });
  });

  it('under cgroup v2 (systemd driver): cpu.stat usage_usec and memory.current', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-cgroup-'));
    write(`system.slice/docker-${id}.scope/cpu.stat`, 'usage_usec 731000\nuser_usec 500000\nsystem_usec 231000\n');
    write(`system.slice/docker-${id}.scope/memory.current`, '8388608\n');
    write(`system.slice/docker-${id}.scope/memory.stat`, 'anon 4194304\ninactive_file 1048576\n');
    expect(await readCgroupCounters(root, id)).toEqual({ usageUsec: 731_000, memoryBytes: 8_388_608 - 1_048_576 });
  });

  it('is null where the cgroup is not to be found, and for anything but an engine id', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-cgroup-'));
    expect(await readCgroupCounters(root, id)).toBeNull();
    write('cpuacct/docker/../../etc/cpuacct.usage', '1\n');
    expect(await readCgroupCounters(root, '../../etc')).toBeNull();
    write(`cpuacct/docker/${id}/cpuacct.usage`, 'not a number\n');
    expect(await readCgroupCounters(root, id)).toBeNull();
  });
});
