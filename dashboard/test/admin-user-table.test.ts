import { describe, expect, it } from 'vitest';
import type { AdminUser } from '@/features/admin/api/types';
import { countAccounts } from '@/features/admin/lib/account-list';
import { dayToExpiry, expiryToDay } from '@/features/admin/lib/dates';
import { limitChanges } from '@/features/admin/lib/limits';
import { matches, nextSort, parseSort, sortUsers, userState, visibleUsers } from '@/features/admin/lib/user-table';
import { adminUser } from './admin-fixtures';

const u = (name: string, over: Record<string, unknown> = {}) => adminUser(name, over) as AdminUser;
const names = (list: AdminUser[]) => list.map((x) => x.username);

describe('the accounts table rules', () => {
  it('names the state: disabled by an admin, expired, being deleted, expiring, active', () => {
    expect(userState(u('a')).label).toBe('active');
    expect(userState(u('a', { disabled: true, disabled_reason: 'admin' }))).toEqual({ kind: 'disabled', label: 'disabled' });
    expect(userState(u('a', { disabled: true, disabled_reason: 'expired', expires_at: '2026-01-01T00:00:00Z' })).kind).toBe('expired');
    expect(userState(u('a', { disabled: true, disabled_reason: 'deleting' })).kind).toBe('deleting');
    const expiring = userState(u('a', { expires_at: '2026-12-15T22:59:59.000Z' }));
    expect(expiring.kind).toBe('expiring');
    expect(expiring.label).toBe(`expires on ${new Date('2026-12-15T22:59:59.000Z').toLocaleDateString()}`);
  });

  it('finds accounts by every word of the search in their name, teacher, roles or domains', () => {
    const ann = u('ann', { teacher: 'tom', webapps: ['ann.localhost', 'blog.example.org'] });
    expect(matches(ann, '')).toBe(true);
    expect(matches(ann, '  AN ')).toBe(true);
    expect(matches(ann, 'tom')).toBe(true);
    expect(matches(ann, 'blog.example')).toBe(true);
    expect(matches(ann, 'ann tom')).toBe(true);
    expect(matches(ann, 'ann zed')).toBe(false);
    expect(matches(u('tom', { is_teacher: true }), 'teacher')).toBe(true);
  });

  it('sorts each column both ways; equal values stay in username order; unknowns sort lowest', () => {
    const list = [
      u('cara', { webapps: ['c.localhost'], disk_bytes: 10, last_login_at: '2026-02-01T00:00:00Z', consoles: 1 }),
      u('abe', { webapps: [], disk_bytes: null, last_login_at: null, consoles: 1, tasks: 2 }),
      u('bob', { webapps: ['b1', 'b2'], disk_bytes: 5000, last_login_at: '2026-03-01T00:00:00Z', is_admin: true }),
      u('dan', { webapps: ['d'], disk_bytes: 10, disabled: true, disabled_reason: 'admin', teacher: 'bob' }),
    ];
    expect(names(sortUsers(list, { key: 'username', order: 'ascending' }))).toEqual(['abe', 'bob', 'cara', 'dan']);
    expect(names(sortUsers(list, { key: 'username', order: 'descending' }))).toEqual(['dan', 'cara', 'bob', 'abe']);
    expect(names(sortUsers(list, { key: 'webapps', order: 'descending' }))).toEqual(['bob', 'cara', 'dan', 'abe']);
    expect(names(sortUsers(list, { key: 'disk', order: 'ascending' }))).toEqual(['abe', 'cara', 'dan', 'bob']);
    expect(names(sortUsers(list, { key: 'disk', order: 'descending' }))).toEqual(['bob', 'cara', 'dan', 'abe']);
    expect(names(sortUsers(list, { key: 'last_login', order: 'descending' }))).toEqual(['bob', 'cara', 'abe', 'dan']);
    expect(names(sortUsers(list, { key: 'consoles', order: 'descending' }))).toEqual(['abe', 'cara', 'bob', 'dan']);
    expect(names(sortUsers(list, { key: 'tasks', order: 'descending' }))).toEqual(['abe', 'bob', 'cara', 'dan']);
    expect(names(sortUsers(list, { key: 'state', order: 'descending' }))).toEqual(['dan', 'abe', 'bob', 'cara']);
    expect(names(sortUsers(list, { key: 'roles', order: 'descending' }))[0]).toBe('bob');
    expect(names(sortUsers(list, { key: 'teacher', order: 'descending' }))[0]).toBe('dan');
    expect(names(list)).toEqual(['cara', 'abe', 'bob', 'dan']); // the cached list is never sorted in place
    expect(names(visibleUsers(list, 'b', { key: 'username', order: 'descending' }))).toEqual(['dan', 'bob', 'abe']);
  });

  it('flips the order of the sorted column; a new column starts ascending, counts and dates largest first', () => {
    expect(nextSort({ key: 'username', order: 'ascending' }, 'username')).toEqual({ key: 'username', order: 'descending' });
    expect(nextSort({ key: 'username', order: 'descending' }, 'username')).toEqual({ key: 'username', order: 'ascending' });
    expect(nextSort({ key: 'username', order: 'ascending' }, 'teacher')).toEqual({ key: 'teacher', order: 'ascending' });
    expect(nextSort({ key: 'username', order: 'ascending' }, 'disk')).toEqual({ key: 'disk', order: 'descending' });
    expect(parseSort('nonsense', 'sideways')).toEqual({ key: 'username', order: 'ascending' });
    expect(parseSort('last_login', 'descending')).toEqual({ key: 'last_login', order: 'descending' });
  });

  it('counts the accounts of a pasted list as the server does', () => {
    expect(countAccounts('')).toBe(0);
    expect(countAccounts('username,password\r\nann\n\n# a comment\nbob,pw\n')).toBe(2);
    expect(countAccounts('ann\nusername')).toBe(2); // only a first line is a header
  });

  it('turns a picked day into the end of that day, and back', () => {
    const iso = dayToExpiry('2026-12-15')!;
    expect(new Date(iso).getDate()).toBe(15);
    expect(new Date(iso).getHours()).toBe(23);
    expect(expiryToDay(iso)).toBe('2026-12-15');
    expect(dayToExpiry('15/12/2026')).toBeNull();
    expect(expiryToDay(null)).toBe('');
  });

  it('sends only the limits that changed; an emptied field goes back to the default', () => {
    const user = u('ann', { overrides: { webapps: 3, workers: 2 } });
    expect(limitChanges(user, { webapps: '3', consoles: '', workers: '', memory_mb: '1024', custom_domains: '', daily_cpu_seconds: '', disk_mb: '', sleep_after_seconds: '', awake_webapps: '' })).toEqual({ workers: null, memory_mb: 1024 });
    expect(limitChanges(user, { webapps: '3', consoles: '', workers: '2', memory_mb: '', custom_domains: '', daily_cpu_seconds: '', disk_mb: '', sleep_after_seconds: '', awake_webapps: '' })).toEqual({});
    expect(limitChanges(user, { webapps: '3', consoles: '', workers: '2', memory_mb: '', custom_domains: '0', daily_cpu_seconds: '600', disk_mb: '', sleep_after_seconds: '', awake_webapps: '' })).toEqual({ custom_domains: 0, daily_cpu_seconds: 600 });
  });
});
