import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export interface TokenInfo {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface NewToken extends TokenInfo {
  /** Shown once: only its hash is kept. */
  token: string;
}

export const getTokens = () => api<TokenInfo[]>('/api/auth/tokens');
export const createToken = (name: string) => api<NewToken>('/api/auth/tokens', { method: 'POST', json: { name } });
export const deleteToken = (id: number) => api<void>(`/api/auth/tokens/${id}`, { method: 'DELETE' });

const tokensKey = ['auth', 'tokens'] as const;

export const tokensQueryOptions = () => queryOptions({ queryKey: tokensKey, queryFn: getTokens });

export const useTokens = () => useQuery(tokensQueryOptions());

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({ mutationFn: createToken, onSuccess: () => client.invalidateQueries({ queryKey: tokensKey }) });
}

export function useDeleteToken() {
  const client = useQueryClient();
  return useMutation({ mutationFn: deleteToken, onSuccess: () => client.invalidateQueries({ queryKey: tokensKey }) });
}
