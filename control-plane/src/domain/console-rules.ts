import { ValidationError } from './errors.js';
import { DEFAULT_PYTHON_VERSION, parsePythonVersion, pythonVersionOfProgram, type PythonVersion } from './python-versions.js';

// Pure rules for consoles: what may be started, how its argv and environment
// look, and the passwd/group files that give the user's uid a name inside
// the container. No I/O here; table-tested in test/unit/console-rules.test.ts.

export const DEFAULT_EXECUTABLE = 'bash';
export const MAX_ARGUMENTS_LENGTH = 4096;

// A bare program name (looked up on PATH) or an absolute path. Anything the
// user could run from bash is fine: the console runs as them, confined.
const EXECUTABLE_RE = /^(\/[A-Za-z0-9._+\-/]{1,254}|[A-Za-z0-9._+-]{1,64})$/;

export function validateExecutable(executable: string): string {
  const value = executable.trim();
  if (!EXECUTABLE_RE.test(value) || value.split('/').includes('..')) {
    throw new ValidationError('executable must be a program name such as "bash" or "python3", or an absolute path', 'executable');
  }
  return value;
}

/**
 * Which Python's container a console runs in: `python3.13` (or
 * /usr/bin/python3.13) in 3.13's, any other program (`bash`, `python3`,
 * `ipython3`) in the default one. A `python3.X` Pyhost does not have is
 * refused, naming the installed ones.
 */
export function consolePythonVersion(executable: string): PythonVersion {
  const asked = pythonVersionOfProgram(executable);
  return asked === null ? DEFAULT_PYTHON_VERSION : parsePythonVersion(asked, 'executable');
}

/**
 * Splits `arguments` the way a shell would split words (quotes and
 * backslashes), without expanding anything: PythonAnywhere takes the
 * arguments as one string, Docker wants an argv.
 */
export function splitArguments(raw: string): string[] {
  if (raw.length > MAX_ARGUMENTS_LENGTH) throw new ValidationError(`arguments must be at most ${MAX_ARGUMENTS_LENGTH} characters`, 'arguments');
  if (raw.includes('\0')) throw new ValidationError('arguments must not contain NUL bytes', 'arguments');
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw[i + 1]!)) word += raw[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < raw.length) {
      word += raw[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new ValidationError(`arguments has an unclosed ${quote} quote`, 'arguments');
  if (inWord) words.push(word);
  return words;
}

/** "Bash console 7", "Python3 console 8": the name PythonAnywhere's API shows. */
export function consoleName(executable: string, id: number): string {
  const base = executable.split('/').pop() ?? executable;
  return `${base.charAt(0).toUpperCase()}${base.slice(1)} console ${id}`;
}

/** `~` and `~/x` mean the user's home, as in their shell. */
export function expandHome(path: string, username: string): string {
  if (path === '~') return `/home/${username}`;
  if (path.startsWith('~/')) return `/home/${username}/${path.slice(2)}`;
  return path;
}

/** Where a console's launcher records its process id (the console container's own /tmp). */
export function pidFile(consoleId: number): string {
  return `/tmp/.pyhost-console-${consoleId}.pid`;
}

/**
 * The argv of a console process. A constant shell snippet records the
 * process id (which Docker does not tell: its exec API only knows host pids)
 * and then replaces itself with the program; the user's words are passed as
 * separate arguments and never parsed by that shell.
 */
export function launchArgv(consoleId: number, program: string[]): string[] {
  return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', pidFile(consoleId), ...program];
}

/**
 * Kills every process of a console. A TTY exec is its own session (Docker
 * calls setsid), so the session id is the launcher's pid and pkill -s finds
 * the program, its background jobs and its children alike.
 */
export function killArgv(consoleId: number): string[] {
  // `read` is a shell builtin: one fork fewer matters when a fork bomb leaves almost none.
  return ['/bin/sh', '-c', 'read -r pid < "$0" && [ -n "$pid" ] && pkill -KILL -s "$pid"; rm -f "$0"', pidFile(consoleId)];
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What every console inherits; `pip install --user` puts scripts in ~/.local/bin, so it is on PATH. */
export function consoleEnvironment(username: string): Record<string, string> {
  const home = `/home/${username}`;
  return {
    HOME: home,
    USER: username,
    LOGNAME: username,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    PATH: `${home}/.local/bin:${SYSTEM_PATH}`,
  };
}

/** Per-process additions: the terminal type xterm.js emulates. */
export const TERMINAL_ENV: Readonly<Record<string, string>> = Object.freeze({ TERM: 'xterm-256color', COLORTERM: 'truecolor' });

/** /etc/passwd inside the user's console container: root, nobody and the user, nobody else. */
export function passwdFile(username: string, uid: number): string {
  return [
    'root:x:0:0:root:/root:/usr/sbin/nologin',
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
    `${username}:x:${uid}:${uid}:${username}:/home/${username}:/bin/bash`,
    '',
  ].join('\n');
}

export function groupFile(username: string, uid: number): string {
  return ['root:x:0:', 'nogroup:x:65534:', `${username}:x:${uid}:`, ''].join('\n');
}
