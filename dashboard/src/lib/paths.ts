// The dashboard's own URLs, built in one place so links and routes agree.
//
// Your own things live at /web, /files/…, /edit/…, /consoles. A teacher (or
// an admin) looking at someone else's things sees the same pages under
// /u/<username>/…: every link inside those pages comes from pathsFor(that
// user), through usePaths(), so it stays inside the viewed account.

export type LogKind = 'access' | 'error' | 'server';

/** Scheduled and always-on tasks, as their API paths name them. */
export type TaskLogKind = 'schedule' | 'always_on';

/** The URLs of one account's pages. */
export interface AccountPaths {
  web: string;
  newWebapp: string;
  webapp(domain: string): string;
  logs(domain: string, kind: LogKind): string;
  newWebsite: string;
  /** A website (a command on $DOMAIN_SOCKET, docs/websites.md) in the Web tab. */
  website(domain: string): string;
  websiteLogs(domain: string, kind: LogKind): string;
  files(dir: string): string;
  edit(file: string): string;
  consoles: string;
  console(id: number): string;
  tasks: string;
  taskLog(kind: TaskLogKind, id: number): string;
}

const encodeSegments = (visiblePath: string) => visiblePath.split('/').map(encodeURIComponent).join('/');

/** The prefix of someone else's pages. */
export const VIEWING_PREFIX = '/u';

/** `viewed`'s pages as someone else sees them, or (null) your own. */
export function pathsFor(viewed: string | null): AccountPaths {
  const base = viewed === null ? '' : `${VIEWING_PREFIX}/${encodeURIComponent(viewed)}`;
  return {
    web: `${base}/web`,
    newWebapp: `${base}/web/new`,
    webapp: (domain) => `${base}/web/${encodeURIComponent(domain)}`,
    logs: (domain, kind) => `${base}/web/${encodeURIComponent(domain)}/logs/${kind}`,
    newWebsite: `${base}/web/websites/new`,
    website: (domain) => `${base}/web/websites/${encodeURIComponent(domain)}`,
    websiteLogs: (domain, kind) => `${base}/web/websites/${encodeURIComponent(domain)}/logs/${kind}`,
    files: (dir) => `${base}/files${encodeSegments(dir)}`,
    edit: (file) => `${base}/edit${encodeSegments(file)}`,
    consoles: `${base}/consoles`,
    console: (id) => `${base}/consoles/${id}`,
    tasks: `${base}/tasks`,
    taskLog: (kind, id) => `${base}/tasks/${kind}/${id}/log`,
  };
}

/**
 * The page of your own that matches `pathname` under /u/<username>/ (for
 * someone who opened a link to their own account), or null when it is not
 * one of those pages.
 */
export function ownPathOf(pathname: string, username: string): string | null {
  const prefix = `${VIEWING_PREFIX}/${encodeURIComponent(username)}`;
  if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return null;
  return pathname.slice(prefix.length) || '/web';
}

/** Your own pages, and the pages that belong to nobody else. */
export const paths = {
  ...pathsFor(null),
  login: '/login',
  signup: '/signup',
  account: '/account',
  students: '/students',
};

/** A user's home folder, as every container sees it. */
export const homeOf = (username: string) => `/home/${username}`;

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
