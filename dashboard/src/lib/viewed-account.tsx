import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { pathsFor, type AccountPaths } from './paths';

/** Whose things the pages show: your own, or someone you look at as their teacher or as an admin. */
export interface ViewedAccount {
  username: string;
  /** null: your own account. */
  as: 'teacher' | 'admin' | null;
}

const ViewedAccountContext = createContext<ViewedAccount | null>(null);

export function ViewedAccountProvider({ value, children }: { value: ViewedAccount; children: ReactNode }) {
  return <ViewedAccountContext.Provider value={value}>{children}</ViewedAccountContext.Provider>;
}

/** The account whose things this page shows. */
export function useViewedAccount(): ViewedAccount {
  const viewed = useContext(ViewedAccountContext);
  if (!viewed) throw new Error('useViewedAccount() is used outside a page that shows an account');
  return viewed;
}

/**
 * The URLs of the pages of the account shown, so that every link inside
 * them stays in that account; your own (/web, /files…) outside any.
 */
export function usePaths(): AccountPaths {
  const viewed = useContext(ViewedAccountContext);
  const other = viewed?.as ? viewed.username : null;
  return useMemo(() => pathsFor(other), [other]);
}
