import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { getMe, meQueryKey } from './get-me';

export interface SetupRequest {
  /** The one-time token the api printed in its log. */
  token: string;
  username: string;
  password: string;
}

export const getSetupState = () => api<{ required: boolean }>('/api/auth/setup');

/** Creates the first admin and signs them in (the API sets the session cookie). */
export const completeSetup = (body: SetupRequest) => api<unknown>('/api/auth/setup', { method: 'POST', json: body });

export const setupQueryKey = ['auth', 'setup'] as const;

export const setupQueryOptions = () => queryOptions({ queryKey: setupQueryKey, queryFn: getSetupState, staleTime: 5_000 });

/** Whether this Pyhost still waits for its first admin. */
export const useSetupState = () => useQuery(setupQueryOptions());

export function useCompleteSetup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: completeSetup,
    onSuccess: async () => {
      client.setQueryData(setupQueryKey, { required: false });
      // Who is signed in has changed: forget everything cached but what is about this Pyhost.
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'instance' && !(q.queryKey[0] === 'auth' && q.queryKey[1] === 'setup') });
      await client.fetchQuery({ queryKey: meQueryKey, queryFn: getMe });
    },
  });
}
