import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api, setCsrfToken } from '@/lib/api-client';

export type SignupMode = 'closed' | 'invite' | 'open';

export interface Me {
  username: string;
  is_admin: boolean;
  /** May make invite codes and have students. */
  is_teacher: boolean;
  /** The teacher who may look at this user's things. */
  teacher: string | null;
  /** When this (workshop) account is disabled by itself. */
  expires_at: string | null;
  uid: number;
  csrf_token: string | null;
  signup: SignupMode;
  domain: string;
}

/** Who is signed in, or null for nobody (401 is an answer here, not an error). */
export async function getMe(): Promise<Me | null> {
  try {
    const me = await api<Me>('/api/auth/me');
    setCsrfToken(me.csrf_token);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

export const meQueryKey = ['auth', 'me'] as const;

export const meQueryOptions = () => queryOptions({ queryKey: meQueryKey, queryFn: getMe, staleTime: 60_000 });

export const useMe = () => useQuery(meQueryOptions());
