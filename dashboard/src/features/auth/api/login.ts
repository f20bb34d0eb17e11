import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getMe, meQueryKey } from './get-me';

export interface Credentials {
  username: string;
  password: string;
}

export const login = (credentials: Credentials) => api<unknown>('/api/auth/login', { method: 'POST', json: credentials });

export interface SignupRequest extends Credentials {
  /** An invite code from a teacher's link: the new account becomes their student. */
  code?: string;
}

/** Signing up also signs you in (the API sets the session cookie). */
export const signup = (request: SignupRequest) => api<unknown>('/api/auth/signup', { method: 'POST', json: request });

export const logout = () => api<unknown>('/api/auth/logout', { method: 'POST' });

/** After any of these, who is signed in has changed: forget everything cached. */
function useAuthMutation<T extends Credentials>(fn: (c: T) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'instance' });
      await client.fetchQuery({ queryKey: meQueryKey, queryFn: getMe });
    },
  });
}

export const useLogin = () => useAuthMutation(login);
export const useSignup = () => useAuthMutation(signup);

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'instance' });
      client.setQueryData(meQueryKey, null);
    },
  });
}
