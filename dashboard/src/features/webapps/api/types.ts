export type WebappState = 'starting' | 'running' | 'crashed' | 'stopped' | 'disabled';
export type ServerKind = 'uwsgi' | 'gunicorn';

export interface LastReload {
  at: string;
  duration_ms: number;
  ok: boolean;
  error: string | null;
}

/** A web app as GET /api/v0/user/{u}/webapps/{domain}/ shows it. */
export interface Webapp {
  id: number;
  user: string;
  domain_name: string;
  python_version: string;
  source_directory: string | null;
  working_directory: string | null;
  virtualenv_path: string | null;
  force_https: boolean;
  password_protection_enabled: boolean;
  password_protection_username: string | null;
  server: ServerKind;
  workers: number;
  env: Record<string, string>;
  auto_reload: boolean;
  enabled: boolean;
  state: WebappState;
  url: string;
  last_reload: LastReload | null;
}

export interface WebappPatch {
  python_version?: string;
  source_directory?: string | null;
  working_directory?: string | null;
  virtualenv_path?: string | null;
  force_https?: boolean;
  password_protection_enabled?: boolean;
  password_protection_username?: string | null;
  password_protection_password?: string | null;
  server?: ServerKind;
  workers?: number;
  env?: Record<string, string>;
  auto_reload?: boolean;
}

export interface StaticFile {
  id: number;
  url: string;
  path: string;
}
