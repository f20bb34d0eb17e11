import { ValidationError } from './errors.js';
import { LIMIT_RANGES } from './limits.js';
import { isHostname, normalizeDomain } from './names.js';

// Rules for what a web app's settings may be. Pure: the service applies
// them and the tests table them.

export { SUPPORTED_PYTHON_VERSIONS, parsePythonVersion } from './python-versions.js';

/** The most workers any web app may have; each account's `workers` limit is at most this. */
export const MAX_WORKERS = LIMIT_RANGES.workers.max;
export const MAX_ENV_VARS = 100;
export const MAX_ENV_VALUE_LENGTH = 4096;

/** Settings that need a new container when they change (see docs/architecture.md). */
export const CONTAINER_SETTINGS = ['server', 'workers', 'virtualenv_path', 'env_json', 'source_directory', 'working_directory', 'auto_reload', 'python_version'] as const;

/**
 * A user may publish <username>.<base>, anything under it, or a domain of
 * their own outside the base domain. The base domain itself and www.<base>
 * belong to the dashboard.
 */
export function checkDomain(raw: string, username: string, baseDomain: string): string {
  const domain = normalizeDomain(raw);
  if (!isHostname(domain)) {
    throw new ValidationError(`domain_name "${raw}" is not a valid host name, e.g. ${username}.${baseDomain}`, 'domain_name');
  }
  if (domain === baseDomain || domain === `www.${baseDomain}`) {
    throw new ValidationError(`${domain} is the dashboard's address; use ${username}.${baseDomain}`, 'domain_name');
  }
  const own = `${username}.${baseDomain}`;
  if (domain.endsWith(`.${baseDomain}`) && domain !== own && !domain.endsWith(`.${own}`)) {
    throw new ValidationError(`under ${baseDomain} you may use ${own} or a name ending in .${own}`, 'domain_name');
  }
  return domain;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function checkEnv(env: Record<string, string>): Record<string, string> {
  const entries = Object.entries(env);
  if (entries.length > MAX_ENV_VARS) throw new ValidationError(`at most ${MAX_ENV_VARS} environment variables`, 'env');
  for (const [key, value] of entries) {
    if (!ENV_KEY.test(key)) {
      throw new ValidationError(`environment variable name "${key}" must be letters, digits and _, not starting with a digit`, 'env');
    }
    if (key.toUpperCase().startsWith('PYHOST_')) {
      throw new ValidationError(`environment variable names starting with PYHOST_ are reserved ("${key}")`, 'env');
    }
    if (typeof value !== 'string' || value.length > MAX_ENV_VALUE_LENGTH || value.includes('\0')) {
      throw new ValidationError(`environment variable ${key} must be text of at most ${MAX_ENV_VALUE_LENGTH} characters`, 'env');
    }
  }
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** A static mapping's URL: an absolute URL path such as /static/. */
export function checkStaticUrl(raw: string): string {
  const url = raw.trim();
  if (!url.startsWith('/') || /[\s?#\0\\]/.test(url) || url.split('/').some((s) => s === '..' || s === '.')) {
    throw new ValidationError('url must be a URL path starting with /, e.g. /static/, without spaces, ? or #', 'url');
  }
  if (url.length > 512) throw new ValidationError('url must be at most 512 characters', 'url');
  return url;
}
