import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useSetDisabled, useUsers } from '../api/users';
import type { AdminUser } from '../api/types';
import { adminPaths } from '../lib/paths';
import { nextSort, parseSort, visibleUsers, type SortKey } from '../lib/user-table';
import { DisableDialog } from './set-disabled-dialog';
import { UsersTable } from './users-table';

/** Search and sort live in the URL (?q=&sort=&order=), so a reload or a shared link keeps them. */
function useTableParams() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const sort = parseSort(params.get('sort'), params.get('order'));
  const update = useCallback(
    (changes: Record<string, string>) =>
      setParams((p) => {
        const next = new URLSearchParams(p);
        for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v); else next.delete(k);
        return next;
      }, { replace: true }),
    [setParams],
  );
  const setSearch = useCallback((q: string) => update({ q }), [update]);
  const onSort = useCallback((key: SortKey) => {
    const s = nextSort(sort, key);
    update({ sort: s.key, order: s.order });
  }, [sort, update]);
  return { search, sort, setSearch, onSort };
}

/** Every account of this Pyhost: search, sort, and disable or enable from the row. */
export function UsersPage() {
  const users = useUsers();
  // Set by the page that just deleted an account.
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  const { search, sort, setSearch, onSort } = useTableParams();
  // Typing stays instant; the table catches up when React has time.
  const deferredSearch = useDeferredValue(search);
  const shown = useMemo(() => visibleUsers(users.data ?? [], deferredSearch, sort), [users.data, deferredSearch, sort]);
  const toggle = useSetDisabled();
  const { mutate, reset } = toggle; // stable across renders, unlike `toggle` itself
  const [disabling, setDisabling] = useState<AdminUser | null>(null);
  const onSetDisabled = useCallback((user: AdminUser, disabled: boolean) => {
    reset();
    if (disabled) setDisabling(user);
    else mutate({ username: user.username, disabled: false });
  }, [mutate, reset]);

  if (users.isPending) return <Spinner label="Loading accounts" />;
  if (users.error) return <ErrorMessage error={users.error} title="Could not load the accounts" />;
  const total = users.data.length;
  return (
    <section aria-labelledby="accounts-heading">
      <div className="row wrap toolbar">
        <h2 id="accounts-heading" className="grow">Accounts</h2>
        <Link to={adminPaths.add} className="button primary">Add accounts</Link>
      </div>
      <div className="row wrap toolbar">
        <div className="field">
          <label htmlFor="account-search">Search accounts</label>
          <input id="account-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="username, teacher or domain" spellCheck={false} autoCapitalize="none" />
        </div>
        <p className="muted" role="status" aria-live="polite">{shown.length === total ? `${total} accounts` : `${shown.length} of ${total} accounts`}</p>
      </div>
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {disabling ? null : <ErrorMessage error={toggle.error} />}
      {shown.length === 0 ? <p>{total === 0 ? 'No accounts yet.' : 'No account matches this search.'}</p> : (
        <UsersTable users={shown} sort={sort} onSort={onSort} onSetDisabled={onSetDisabled} />
      )}
      {disabling ? (
        <DisableDialog
          username={disabling.username}
          busy={toggle.isPending}
          error={toggle.error}
          onCancel={() => setDisabling(null)}
          onConfirm={() => toggle.mutate({ username: disabling.username, disabled: true }, { onSuccess: () => setDisabling(null) })}
        />
      ) : null}
    </section>
  );
}
