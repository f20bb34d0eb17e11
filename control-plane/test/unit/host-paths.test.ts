import { describe, expect, it } from 'vitest';
import { dataDirMountProblem, hostPathOf, type Mount } from '../../src/domain/host-paths.js';

const bind = (source: string, destination: string): Mount => ({ type: 'bind', source, destination });
const sock = bind('/var/run/docker.sock', '/var/run/docker.sock');

describe('the sibling-container trap: PYHOST_DATA must be the same path on the host', () => {
  it.each([
    ['same path', '/var/lib/pyhost', [sock, bind('/var/lib/pyhost', '/var/lib/pyhost')], '/var/lib/pyhost'],
    ['a parent mounted at the same path', '/srv/pyhost/data', [bind('/srv', '/srv')], '/srv/pyhost/data'],
    ['the deepest mount wins', '/srv/pyhost/data', [bind('/srv', '/srv'), bind('/mnt/disk', '/srv/pyhost')], '/mnt/disk/data'],
    ['a different host path', '/var/lib/pyhost', [bind('/home/me/pyhost-data', '/var/lib/pyhost')], '/home/me/pyhost-data'],
    ['a named volume', '/var/lib/pyhost', [{ type: 'volume', source: '/var/lib/docker/volumes/p_data/_data', destination: '/var/lib/pyhost' }], '/var/lib/docker/volumes/p_data/_data'],
    ['not mounted at all', '/var/lib/pyhost', [sock], null],
    ['a sibling path is not a parent', '/var/lib/pyhost', [bind('/var/lib/py', '/var/lib/py')], null],
  ])('%s', (_name, dataDir, mounts, host) => {
    expect(hostPathOf(dataDir, mounts)).toBe(host);
    expect(dataDirMountProblem(dataDir, mounts) === null).toBe(host === dataDir);
  });

  it('says what is wrong and how to mount it', () => {
    expect(dataDirMountProblem('/var/lib/pyhost', [bind('/data', '/var/lib/pyhost')])).toMatch(
      /is \/var\/lib\/pyhost in this container but \/data on the host.*- \/data:\/data.*PYHOST_DATA=\/data/,
    );
    expect(dataDirMountProblem('/var/lib/pyhost', [sock])).toMatch(/not mounted from the host/);
  });
});
