import { ValidationError } from './errors.js';

export const USERNAME_PATTERN = '^[a-z][a-z0-9]{1,29}$';
const USERNAME_RE = new RegExp(USERNAME_PATTERN);

// Names that would shadow the dashboard host or confuse people.
const RESERVED_USERNAMES = new Set(['www', 'api', 'admin', 'root', 'pyhost', 'static', 'mail', 'dashboard']);

export function assertUsername(username: string): void {
  if (!USERNAME_RE.test(username)) {
    throw new ValidationError(
      'username must be 2 to 30 characters: a lowercase letter, then lowercase letters or digits',
      'username',
    );
  }
  if (RESERVED_USERNAMES.has(username)) {
    throw new ValidationError(`the username "${username}" is reserved; choose another`, 'username');
  }
}

const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME_RE = new RegExp(`^${LABEL}(\\.${LABEL})+$`);

/** Lowercases and drops a trailing dot, the forms of a host name that mean the same. */
export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

export function isHostname(domain: string): boolean {
  return domain.length <= 253 && HOSTNAME_RE.test(domain);
}

/** `/var/www/<domain with dots as underscores>_wsgi.py`, as PythonAnywhere names it. */
export function wsgiFileName(domain: string): string {
  return `${domain.replace(/\./g, '_')}_wsgi.py`;
}
