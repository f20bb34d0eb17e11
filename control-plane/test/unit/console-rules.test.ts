import { describe, expect, it } from 'vitest';
import {
  consoleEnvironment,
  consoleName,
  expandHome,
  groupFile,
  killArgv,
  launchArgv,
  passwdFile,
  splitArguments,
  validateExecutable,
} from '../../src/domain/console-rules.js';
import { ValidationError } from '../../src/domain/errors.js';

describe('splitArguments', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   ', []],
    ['manage.py shell', ['manage.py', 'shell']],
    ['  -i   script.py  ', ['-i', 'script.py']],
    [`-c "print('a b')"`, ['-c', "print('a b')"]],
    [`'single "quoted"' x`, ['single "quoted"', 'x']],
    ['a\\ b c', ['a b', 'c']],
    ['"say \\"hi\\"" \\$HOME', ['say "hi"', '$HOME']],
    ['""', ['']],
    ["x''y", ['xy']],
    ['$HOME *.py ~', ['$HOME', '*.py', '~']], // no expansion: argv goes to the program as typed
  ])('%j → %j', (raw, expected) => {
    expect(splitArguments(raw)).toEqual(expected);
  });

  it.each(['"unclosed', "it's", 'a\0b', 'x'.repeat(4097)])('refuses %j', (raw) => {
    expect(() => splitArguments(raw)).toThrow(ValidationError);
  });
});

describe('validateExecutable', () => {
  it.each(['bash', 'python3', 'python3.11', 'ipython3', '/usr/bin/python3', '/home/alice/.virtualenvs/x/bin/python', ' bash '])('accepts %j', (e) => {
    expect(validateExecutable(e)).toBe(e.trim());
  });
  it.each(['', 'bash -l', 'bash;id', '../bin/sh', '/usr/../bin/sh', 'a$b', 'x'.repeat(65), '$(id)'])('refuses %j', (e) => {
    expect(() => validateExecutable(e)).toThrow(ValidationError);
  });
});

describe('console names and paths', () => {
  it.each<[string, number, string]>([
    ['bash', 7, 'Bash console 7'],
    ['python3.11', 8, 'Python3.11 console 8'],
    ['/usr/bin/python3', 9, 'Python3 console 9'],
  ])('%s #%d is "%s"', (exe, id, name) => expect(consoleName(exe, id)).toBe(name));

  it.each<[string, string]>([
    ['~', '/home/alice'],
    ['~/mysite', '/home/alice/mysite'],
    ['/var/www', '/var/www'],
    ['~bob', '~bob'],
  ])('expands %s to %s', (raw, expected) => expect(expandHome(raw, 'alice')).toBe(expected));
});

describe('launch and kill', () => {
  it('passes the program as separate words to a constant launcher', () => {
    const argv = launchArgv(12, ['python3', '-c', 'print("$HOME; rm -rf /")']);
    expect(argv.slice(0, 4)).toEqual(['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', '/tmp/.pyhost-console-12.pid']);
    expect(argv.slice(4)).toEqual(['python3', '-c', 'print("$HOME; rm -rf /")']);
  });

  it('kills the whole session recorded by the launcher', () => {
    const argv = killArgv(12);
    expect(argv[3]).toBe('/tmp/.pyhost-console-12.pid');
    expect(argv[2]).toContain('pkill -KILL -s');
  });
});

describe('identity inside the container', () => {
  it('names the uid in passwd and group, and nobody else but root and nobody', () => {
    expect(passwdFile('alice', 10001).trim().split('\n')).toEqual([
      'root:x:0:0:root:/root:/usr/sbin/nologin',
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      'alice:x:10001:10001:alice:/home/alice:/bin/bash',
    ]);
    expect(groupFile('alice', 10001)).toContain('alice:x:10001:\n');
  });

  it('puts ~/.local/bin first on PATH so pip --user scripts run', () => {
    const env = consoleEnvironment('alice');
    expect(env).toMatchObject({ HOME: '/home/alice', USER: 'alice', LOGNAME: 'alice', SHELL: '/bin/bash' });
    expect(env.PATH!.split(':')[0]).toBe('/home/alice/.local/bin');
  });
});
