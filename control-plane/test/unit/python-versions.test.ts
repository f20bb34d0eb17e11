import { describe, expect, it } from 'vitest';
import { loadConfig, runtimeImageFor } from '../../src/config.js';
import { consolePythonVersion } from '../../src/domain/console-rules.js';
import { ValidationError } from '../../src/domain/errors.js';
import {
  SUPPORTED_PYTHON_VERSIONS,
  parsePythonVersion,
  pythonVersionOfCommand,
  pyvenvVersion,
  virtualenvMismatch,
} from '../../src/domain/python-versions.js';
import { buildCreateOptions } from '../../src/runtime/workload-spec.js';
import { consoleWorkload } from '../../src/services/consoles/console-workload.js';
import { taskWorkload } from '../../src/services/tasks/task-workload.js';
import { websiteWorkload } from '../../src/services/websites/website-workload.js';
import type { WebsiteRow } from '../../src/store/websites-store.js';
import { userRow } from '../helpers/rows.js';

const config = loadConfig({ PYHOST_DATA: '/srv/pyhost' });
const user = userRow({ id: 3, username: 'alice' });
const etc = { passwd: '/srv/pyhost/etc/alice/passwd', group: '/srv/pyhost/etc/alice/group' };

describe('Python versions', () => {
  it('are Debian’s three', () => {
    expect(SUPPORTED_PYTHON_VERSIONS).toEqual(['3.9', '3.11', '3.13']);
  });

  it.each([
    ['3.9', '3.9'], ['python39', '3.9'], ['python3.9', '3.9'],
    ['3.11', '3.11'], ['python311', '3.11'], ['Python3.11 ', '3.11'],
    ['3.13', '3.13'], ['python313', '3.13'], ['python3.13', '3.13'],
  ])('reads python_version %s', (raw, expected) => {
    expect(parsePythonVersion(raw)).toBe(expected);
  });

  it.each(['3.10', 'python312', '2.7', 'latest', ''])('refuses %j, naming the installed ones', (raw) => {
    expect(() => parsePythonVersion(raw)).toThrow(ValidationError);
    expect(() => parsePythonVersion(raw)).toThrow('the installed versions are: 3.9 (or python39), 3.11 (or python311), 3.13 (or python313)');
  });

  it.each<[string, string]>([
    ['bash', '3.11'], ['python3', '3.11'], ['python', '3.11'], ['ipython3', '3.11'],
    ['python3.13', '3.13'], ['/usr/bin/python3.9', '3.9'], ['python3.11', '3.11'],
  ])('a console of %s runs in the image of Python %s', (executable, version) => {
    expect(consolePythonVersion(executable)).toBe(version);
  });

  it('a console of a Python that is not installed is refused by name', () => {
    expect(() => consolePythonVersion('python3.12')).toThrow(/Python 3.12 is not available on this Pyhost; the installed versions are/);
  });

  it.each<[string, string | null]>([
    ['python3.9 /home/alice/job.py --daily', '3.9'],
    ['  python3.13 -m mypkg', '3.13'],
    ['/usr/bin/python3.13 x.py', '3.13'],
    ['python3 job.py', null],
    ['cd ~/x && python3.13 job.py', null],
    ['python3.12 job.py', null],
    ['', null],
  ])('a task %j runs in the image of Python %s', (command, version) => {
    expect(pythonVersionOfCommand(command)).toBe(version);
  });

  it.each<[string, string | null]>([
    ['home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.9.2\n', '3.9'],
    ['home = /usr/bin\nimplementation = CPython\nversion_info = 3.13.5.final.0\nvirtualenv = 20.29.1\n', '3.13'],
    ['home=/usr/bin\nversion=3.11.2', '3.11'],
    ['home = /usr/bin\n', null],
    ['', null],
  ])('reads the Python of a pyvenv.cfg', (text, version) => {
    expect(pyvenvVersion(text)).toBe(version);
  });

  it('explains a virtualenv of another Python', () => {
    expect(virtualenvMismatch('/home/alice/.virtualenvs/x', '3.9', '3.11')).toBe(
      'the virtualenv /home/alice/.virtualenvs/x was made with Python 3.9 but this web app runs Python 3.11: ' +
        'set python_version to 3.9 or recreate the virtualenv with python3.11 -m venv /home/alice/.virtualenvs/x',
    );
    expect(virtualenvMismatch('/home/alice/v', '3.7', '3.13')).toBe(
      'the virtualenv /home/alice/v was made with Python 3.7 but this web app runs Python 3.13: recreate the virtualenv with python3.13 -m venv /home/alice/v',
    );
    expect(virtualenvMismatch('/home/alice/v', '3.11', '3.11')).toBeNull();
    expect(virtualenvMismatch('/home/alice/v', null, '3.11')).toBeNull();
  });
});

describe('runtime images per Python version', () => {
  it('default to the tags setup builds; PYHOST_RUNTIME_IMAGE stays the default Python’s', () => {
    expect(config.runtimeImages).toEqual({ '3.9': 'pyhost-runtime:python39', '3.11': 'pyhost-runtime:latest', '3.13': 'pyhost-runtime:python313' });
    expect(config.runtimeImage).toBe('pyhost-runtime:latest');
    const custom = loadConfig({ PYHOST_RUNTIME_IMAGE: 'r:311', PYHOST_RUNTIME_IMAGE_PYTHON39: 'r:39', PYHOST_RUNTIME_IMAGE_PYTHON313: 'r:313' });
    expect(custom.runtimeImages).toEqual({ '3.9': 'r:39', '3.11': 'r:311', '3.13': 'r:313' });
    expect(custom.runtimeImage).toBe('r:311');
  });

  it('a version no longer offered runs in the default image', () => {
    expect(runtimeImageFor(config, '3.13')).toBe('pyhost-runtime:python313');
    expect(runtimeImageFor(config, '3.10')).toBe('pyhost-runtime:latest');
  });

  it('a console container per Python: the default one keeps its name', () => {
    const base = buildCreateOptions(consoleWorkload(config, 'dev', user, etc, 256));
    expect([base.name, base.Image]).toEqual(['pyhost-dev-console-alice', 'pyhost-runtime:latest']);
    const py313 = buildCreateOptions(consoleWorkload(config, 'dev', user, etc, 256, '3.13'));
    expect([py313.name, py313.Image]).toEqual(['pyhost-dev-console-alice-python313', 'pyhost-runtime:python313']);
    expect(py313.Labels).toMatchObject({ 'io.pyhost.kind': 'console', 'io.pyhost.workload': '3' });
  });

  it('a task runs in the image its command names', () => {
    const run = { kind: 'scheduled_run' as const, workloadId: 41, generation: null, logName: 't.log', memoryMb: 256 };
    expect(taskWorkload(config, 'dev', user, etc, { ...run, command: 'python3.9 job.py' }).image).toBe('pyhost-runtime:python39');
    expect(taskWorkload(config, 'dev', user, etc, { ...run, command: 'python3 job.py' }).image).toBe('pyhost-runtime:latest');
  });

  it('a website runs in the image of its python_version', () => {
    const site: WebsiteRow = {
      id: 5, user_id: 3, domain_name: 'alice.localhost', command: 'uvicorn --uds $DOMAIN_SOCKET main:app', enabled: 1,
      active_generation: 0, next_generation: 1, last_error: null, crashed_reason: null, python_version: '3.13', created_at: '',
    };
    expect(websiteWorkload(config, 'dev', user, etc, site, 1, 256).image).toBe('pyhost-runtime:python313');
  });
});
