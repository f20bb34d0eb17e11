import type { Config } from '../config.js';
import type { Webapp } from '../schemas/webapps.js';
import type { WebappRow } from '../store/webapps-store.js';
import type { WebappStatus } from '../domain/webapp-status.js';

/** The public URL of a web app on this instance: https:// once the router has a certificate for it. */
export function webappUrl(config: Pick<Config, 'port' | 'httpsPort'>, domain: string, hasCertificate: boolean): string {
  if (hasCertificate && config.httpsPort !== null) return `https://${domain}${config.httpsPort === 443 ? '' : `:${config.httpsPort}`}/`;
  return `http://${domain}${config.port === 80 ? '' : `:${config.port}`}/`;
}

/** A web app as the API shows it: PythonAnywhere's fields first, then Pyhost's own. */
export function webappView(config: Config, row: WebappRow, username: string, status: WebappStatus & { sleep_after_seconds: number }, hasCertificate: boolean): Webapp {
  return {
    id: row.id,
    user: username,
    domain_name: row.domain_name,
    python_version: row.python_version,
    source_directory: row.source_directory,
    working_directory: row.working_directory,
    virtualenv_path: row.virtualenv_path,
    expiry: null,
    force_https: row.force_https === 1,
    hsts_enabled: row.hsts_enabled === 1,
    password_protection_enabled: row.password_protection_enabled === 1,
    password_protection_username: row.password_protection_username,
    password_protection_password: null,
    server: row.server,
    workers: row.workers,
    env: JSON.parse(row.env_json) as Record<string, string>,
    auto_reload: row.auto_reload === 1,
    enabled: row.enabled === 1,
    state: status.state,
    sleeping_since: status.state === 'sleeping' ? row.sleeping_since : null,
    keep_awake: row.keep_awake === 1,
    sleep_after_seconds: status.sleep_after_seconds,
    url: webappUrl(config, row.domain_name, hasCertificate),
    last_reload: status.last_reload,
    // A disabled app serves nothing, and enabling starts it with the saved settings.
    settings_warning: row.enabled === 1 ? row.settings_warning : null,
    crash_reason: status.state === 'crashed' ? row.crashed_reason : null,
  };
}
