// The users table's rules, apart from React so that they are tested on their own:
// what state an account is in, what a search matches, and how each column sorts.
import type { AdminUser } from '../api/types';

export type SortKey = 'username' | 'roles' | 'teacher' | 'webapps' | 'consoles' | 'tasks' | 'disk' | 'last_login' | 'state';
export type SortOrder = 'ascending' | 'descending';

export interface Sort {
  key: SortKey;
  order: SortOrder;
}

export const SORT_KEYS: readonly SortKey[] = ['username', 'roles', 'teacher', 'webapps', 'consoles', 'tasks', 'disk', 'last_login', 'state'];

export type StateKind = 'active' | 'expiring' | 'disabled' | 'expired' | 'deleting';

export interface UserState {
  kind: StateKind;
  label: string;
}

/** The day an account expires, in the reader's locale. */
export const expiryDay = (iso: string) => new Date(iso).toLocaleDateString();

export function userState(u: AdminUser): UserState {
  if (u.disabled_reason === 'deleting') return { kind: 'deleting', label: 'being deleted' };
  if (u.disabled_reason === 'expired') return { kind: 'expired', label: 'expired' };
  if (u.disabled) return { kind: 'disabled', label: 'disabled' };
  if (u.expires_at) return { kind: 'expiring', label: `expires on ${expiryDay(u.expires_at)}` };
  return { kind: 'active', label: 'active' };
}

export function roles(u: AdminUser): string {
  return [u.is_admin ? 'admin' : null, u.is_teacher ? 'teacher' : null].filter(Boolean).join(', ');
}

/** Lowercase words an account can be found by: its name, its teacher, its web apps' domains. */
export function searchText(u: AdminUser): string {
  return [u.username, u.teacher ?? '', roles(u), ...u.webapps].join(' ').toLowerCase();
}

export function matches(u: AdminUser, search: string): boolean {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = searchText(u);
  return words.every((w) => text.includes(w));
}

const STATE_ORDER: Record<StateKind, number> = { active: 0, expiring: 1, disabled: 2, expired: 3, deleting: 4 };

/** A value to compare by; null (not measured, never logged in) sorts below every value. */
function sortValue(u: AdminUser, key: SortKey): string | number | null {
  switch (key) {
    case 'username': return u.username;
    case 'roles': return (u.is_admin ? 2 : 0) + (u.is_teacher ? 1 : 0);
    case 'teacher': return u.teacher;
    case 'webapps': return u.webapps.length;
    case 'consoles': return u.consoles;
    case 'tasks': return u.tasks;
    case 'disk': return u.disk_bytes;
    case 'last_login': return u.last_login_at ? Date.parse(u.last_login_at) : null;
    case 'state': return STATE_ORDER[userState(u).kind];
  }
}

// One collator for every comparison: String.localeCompare makes one per
// call, thousands per sort of 500 accounts (bench/admin-page.ts).
const byLocale = new Intl.Collator().compare;

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') return byLocale(a, b);
  return a < b ? -1 : 1;
}

/** A sorted copy; equal values keep username order, whichever way the column is sorted. */
export function sortUsers(users: readonly AdminUser[], sort: Sort): AdminUser[] {
  const sign = sort.order === 'ascending' ? 1 : -1;
  return [...users].sort((a, b) => sign * compare(sortValue(a, sort.key), sortValue(b, sort.key)) || byLocale(a.username, b.username));
}

export function visibleUsers(users: readonly AdminUser[], search: string, sort: Sort): AdminUser[] {
  return sortUsers(users.filter((u) => matches(u, search)), sort);
}

/** Pressing a column's header: the same column flips its order; another starts ascending (numbers: largest first). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, order: current.order === 'ascending' ? 'descending' : 'ascending' };
  const numeric = key === 'webapps' || key === 'consoles' || key === 'tasks' || key === 'disk' || key === 'last_login';
  return { key, order: numeric ? 'descending' : 'ascending' };
}

export function parseSort(key: string | null, order: string | null): Sort {
  const k = SORT_KEYS.includes(key as SortKey) ? (key as SortKey) : 'username';
  return { key: k, order: order === 'descending' ? 'descending' : 'ascending' };
}
