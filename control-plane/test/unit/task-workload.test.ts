import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildCreateOptions } from '../../src/runtime/workload-spec.js';
import { TASK_SHIM, taskWorkload } from '../../src/services/tasks/task-workload.js';
import { userRow } from '../helpers/rows.js';

const config = loadConfig({ PYHOST_DATA: '/srv/pyhost' });
const user = userRow({ id: 3, username: 'alice' });
const etc = { passwd: '/srv/pyhost/etc/alice/passwd', group: '/srv/pyhost/etc/alice/group' };

describe('task containers', () => {
  it('run the command as typed, as one argument of bash -lc behind the log shim, in the home, as the user', () => {
    const command = `python3 "/home/alice/it's here.py" --daily; echo $HOME && rm -rf / # not ours to parse`;
    const opts = buildCreateOptions(taskWorkload(config, 'inst1', user, etc, { kind: 'scheduled_run', workloadId: 41, generation: null, command, logName: 'tasklog-7.log', memoryMb: 256 }));
    expect(opts.Entrypoint).toEqual(['bash', '-c', TASK_SHIM, 'pyhost-task', '/var/log/tasklog-7.log', command]);
    expect(TASK_SHIM).toBe('exec >>"$1" 2>&1 || exit 125; exec bash -lc "$2"');
    expect(opts.Cmd).toEqual([]);
    expect(opts.WorkingDir).toBe('/home/alice');
    expect(opts.User).toBe(`${config.uidBase + 3}:${config.uidBase + 3}`);
    expect(opts.StopSignal).toBe('SIGKILL');
    expect(opts.HostConfig?.Memory).toBe(256 * 1024 * 1024);
    expect(opts.HostConfig?.NetworkMode).toBe('none');
    expect(opts.Labels).toMatchObject({ 'io.pyhost.kind': 'scheduled_run', 'io.pyhost.workload': '41', 'io.pyhost.user': 'alice' });
    expect(opts.HostConfig?.Mounts?.map((m) => `${m.Source}:${m.Target}${m.ReadOnly ? ':ro' : ''}`)).toEqual([
      '/srv/pyhost/users/alice/home:/home/alice', '/srv/pyhost/users/alice/www:/var/www', '/srv/pyhost/users/alice/log:/var/log',
      '/srv/pyhost/etc/alice/passwd:/etc/passwd:ro', '/srv/pyhost/etc/alice/group:/etc/group:ro', '/srv/pyhost/wheelhouse:/wheelhouse:ro',
    ]);
  });

  it('always-on containers carry their generation and stop gracefully', () => {
    const opts = buildCreateOptions(taskWorkload(config, 'inst1', user, etc, { kind: 'always_on', workloadId: 3, generation: 2, command: 'python3 bot.py', logName: 'alwayson-log-3.log', memoryMb: 512 }));
    expect(opts.name).toBe('pyhost-inst1-always_on-3-g2');
    expect(opts.Labels).toMatchObject({ 'io.pyhost.kind': 'always_on', 'io.pyhost.generation': '2' });
    expect(opts.StopSignal).toBe('SIGTERM');
  });
});
