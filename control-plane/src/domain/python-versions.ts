import { ValidationError } from './errors.js';

// The Pythons Pyhost has, one runtime image each (docs/runtime-contract.md):
// Debian's own, bullseye's 3.9, bookworm's 3.11, trixie's 3.13. Pure rules
// for reading a version from what users and their tools send; table-tested
// in test/unit/python-versions.test.ts.

export const SUPPORTED_PYTHON_VERSIONS = ['3.9', '3.11', '3.13'] as const;
export type PythonVersion = (typeof SUPPORTED_PYTHON_VERSIONS)[number];
/** What runs when nothing says otherwise: the image PYHOST_RUNTIME_IMAGE names. */
export const DEFAULT_PYTHON_VERSION: PythonVersion = '3.11';

export function isPythonVersion(value: string): value is PythonVersion {
  return (SUPPORTED_PYTHON_VERSIONS as readonly string[]).includes(value);
}

function installedList(): string {
  return SUPPORTED_PYTHON_VERSIONS.map((v) => `${v} (or python${v.replace('.', '')})`).join(', ');
}

/**
 * Accepts the forms PythonAnywhere's clients send ("3.11", "python311",
 * "python3.11"; pythonanywhere-core sends "python3X" from its PYTHON_VERSIONS)
 * and returns the canonical "3.11". A version this Pyhost does not have is
 * refused, naming the ones it has.
 */
export function parsePythonVersion(raw: string, field = 'python_version'): PythonVersion {
  const m = /^(?:python)?(\d)\.?(\d{1,2})$/i.exec(raw.trim());
  const version = m ? `${m[1]}.${m[2]}` : null;
  if (version === null || !isPythonVersion(version)) {
    const what = version === null ? `${field} "${raw}" is not available (not a Python version)` : `Python ${version} is not available on this Pyhost`;
    throw new ValidationError(`${what}; the installed versions are: ${installedList()}`, field);
  }
  return version;
}

/**
 * The version a program name asks for: `python3.13` or `/usr/bin/python3.9`
 * → "3.13", "3.9"; anything else (`python3`, `bash`, `pip`) → null, which
 * means the default image. A `python3.X` that is not installed is not null
 * but the version itself, so that callers can refuse it by name.
 */
export function pythonVersionOfProgram(program: string): string | null {
  const base = program.split('/').pop() ?? program;
  const m = /^python(\d)\.(\d{1,2})$/.exec(base);
  return m ? `${m[1]}.${m[2]}` : null;
}

/**
 * The version a task's command asks for by its first word (`python3.9
 * /home/u/job.py --x`): null when it starts with anything else, or with a
 * `python3.X` Pyhost does not have (the command then runs in the default
 * image, whose shell says what is missing).
 */
export function pythonVersionOfCommand(command: string): PythonVersion | null {
  const first = command.trim().split(/\s+/, 1)[0] ?? '';
  const version = pythonVersionOfProgram(first);
  return version !== null && isPythonVersion(version) ? version : null;
}

/**
 * The Python a virtualenv was made with, from its pyvenv.cfg (`version =
 * 3.9.2`, as venv writes; `version_info = 3.9.2.final.0`, as virtualenv
 * does), as "3.9"; null when the file says neither.
 */
export function pyvenvVersion(text: string): string | null {
  for (const key of ['version', 'version_info']) {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*(\\d+)\\.(\\d+)`, 'm').exec(text);
    if (m) return `${m[1]}.${m[2]}`;
  }
  return null;
}

/** Null when a virtualenv made with `venvVersion` suits an app on `appVersion`; otherwise what to do about it. */
export function virtualenvMismatch(venvPath: string, venvVersion: string | null, appVersion: string): string | null {
  if (venvVersion === null || venvVersion === appVersion) return null;
  const switchTo = isPythonVersion(venvVersion) ? `set python_version to ${venvVersion} or ` : '';
  return (
    `the virtualenv ${venvPath} was made with Python ${venvVersion} but this web app runs Python ${appVersion}: ` +
    `${switchTo}recreate the virtualenv with python${appVersion} -m venv ${venvPath}`
  );
}
