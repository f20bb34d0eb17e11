import { memo } from 'react';
import { Link } from 'react-router';
import { formatBytes, formatDate } from '@/lib/format';
import type { AdminUser } from '../api/types';
import { adminPaths } from '../lib/paths';
import { roles, userState, type Sort, type SortKey } from '../lib/user-table';

const COLUMNS: { key: SortKey; label: string; num?: boolean }[] = [
  { key: 'username', label: 'Username' },
  { key: 'roles', label: 'Roles' },
  { key: 'teacher', label: 'Teacher' },
  { key: 'webapps', label: 'Web apps', num: true },
  { key: 'consoles', label: 'Consoles', num: true },
  { key: 'tasks', label: 'Tasks', num: true },
  { key: 'disk', label: 'Disk used', num: true },
  { key: 'last_login', label: 'Last login' },
  { key: 'state', label: 'State' },
];

interface UsersTableProps {
  users: AdminUser[];
  sort: Sort;
  onSort(key: SortKey): void;
  /** Disable (true) or enable (false) an account; the caller confirms. Must be stable: rows are memoized on it. */
  onSetDisabled(user: AdminUser, disabled: boolean): void;
}

function SortHeader({ column, sort, onSort }: { column: (typeof COLUMNS)[number]; sort: Sort; onSort(key: SortKey): void }) {
  const active = sort.key === column.key;
  return (
    // aria-sort on the sorted column only, as ARIA asks.
    <th scope="col" className={column.num ? 'num' : undefined} aria-sort={active ? sort.order : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column.key)}>
        {column.label}
        <span aria-hidden="true" className="sort-mark">{active ? (sort.order === 'ascending' ? '▲' : '▼') : ''}</span>
      </button>
    </th>
  );
}

/** One account; memoized, so that sorting, searching or changing one account re-renders only the rows that changed. */
const UserRow = memo(function UserRow({ user, onSetDisabled }: { user: AdminUser; onSetDisabled: UsersTableProps['onSetDisabled'] }) {
  const state = userState(user);
  const canToggle = state.kind !== 'deleting';
  return (
    <tr>
      <th scope="row" className="name-cell"><Link to={adminPaths.user(user.username)}>{user.username}</Link></th>
      <td>{roles(user) || <span className="muted">—</span>}</td>
      <td>{user.teacher ?? <span className="muted">—</span>}</td>
      <td className="num">{user.webapps.length}</td>
      <td className="num">{user.consoles}</td>
      <td className="num">{user.tasks}</td>
      <td className="num">{user.disk_bytes === null ? <span className="muted">measuring</span> : formatBytes(user.disk_bytes)}</td>
      <td>{formatDate(user.last_login_at)}</td>
      <td><span className={`badge account-${state.kind}`}>{state.label}</span></td>
      <td className="actions">
        {canToggle ? (
          <button type="button" className="link" aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`} onClick={() => onSetDisabled(user, !user.disabled)}>
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        ) : null}
      </td>
    </tr>
  );
});

/** Every account shown, one row each, sorted by the column whose header was pressed. */
export function UsersTable({ users, sort, onSort, onSetDisabled }: UsersTableProps) {
  return (
    <div className="table-wrap">
      <table className="users-table">
        <caption className="visually-hidden">Accounts</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => <SortHeader key={c.key} column={c} sort={sort} onSort={onSort} />)}
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => <UserRow key={u.username} user={u} onSetDisabled={onSetDisabled} />)}
        </tbody>
      </table>
    </div>
  );
}
