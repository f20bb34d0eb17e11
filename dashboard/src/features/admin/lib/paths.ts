// The Admin section's URLs, built in one place so links and routes agree.
export const adminPaths = {
  users: '/admin',
  user: (username: string) => `/admin/users/${encodeURIComponent(username)}`,
  add: '/admin/new',
  archives: '/admin/archives',
  settings: '/admin/settings',
};
