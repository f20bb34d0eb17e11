// The dashboard's own URLs, built in one place so links and routes agree.

export type LogKind = 'access' | 'error' | 'server';

export const paths = {
  login: '/login',
  signup: '/signup',
  account: '/account',
  web: '/web',
  newWebapp: '/web/new',
  webapp: (domain: string) => `/web/${encodeURIComponent(domain)}`,
  logs: (domain: string, kind: LogKind) => `/web/${encodeURIComponent(domain)}/logs/${kind}`,
  files: (dir: string) => `/files${dir.split('/').map(encodeURIComponent).join('/')}`,
  edit: (file: string) => `/edit${file.split('/').map(encodeURIComponent).join('/')}`,
};

/** /var/www/<domain with dots as underscores>_wsgi.py, as PythonAnywhere names it. */
export function wsgiFilePath(domain: string): string {
  return `/var/www/${domain.replace(/\./g, '_')}_wsgi.py`;
}

/** The folder part of a user-visible path: /home/a/b.py → /home/a. */
export function parentOf(visiblePath: string): string {
  const cut = visiblePath.replace(/\/+$/, '').lastIndexOf('/');
  return cut <= 0 ? '/' : visiblePath.slice(0, cut);
}

export function baseName(visiblePath: string): string {
  return visiblePath.replace(/\/+$/, '').split('/').pop() ?? '';
}

export function joinPath(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}
