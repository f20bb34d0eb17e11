import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type InviteStatus = 'active' | 'expired' | 'used_up' | 'revoked';

/** An invite code as its maker sees it: never the code itself, which is shown once. */
export interface Invite {
  id: number;
  label: string;
  /** Who made it: their students are the people who join with it. */
  created_by: string;
  created_at: string;
  expires_at: string | null;
  max_uses: number | null;
  uses: number;
  /** Accounts made with it are disabled then (a workshop's end). */
  accounts_expire_at: string | null;
  status: InviteStatus;
}

/** A code just made: the code and its sign-up link are in this answer only. */
export interface NewInvite extends Invite {
  code: string;
  link: string;
}

export interface InviteRequest {
  label?: string;
  expires_at?: string;
  max_uses?: number;
  accounts_expire_at?: string;
}

/** What the sign-up page learns about a code. */
export interface InviteCheck {
  valid: boolean;
  /** Whose student the new account becomes. */
  teacher: string | null;
  accounts_expire_at: string | null;
  /** Why the code cannot be used, for the person holding it. */
  reason?: string;
}

export const getInvites = () => api<{ invites: Invite[] }>('/api/teaching/invites').then((r) => r.invites);
export const createInvite = (body: InviteRequest) => api<NewInvite>('/api/teaching/invites', { method: 'POST', json: body });
export const withdrawInvite = (id: number) => api<void>(`/api/teaching/invites/${id}`, { method: 'DELETE' });
export const checkInvite = (code: string) => api<InviteCheck>(`/api/auth/invite?code=${encodeURIComponent(code)}`);

const invitesKey = ['teaching', 'invites'] as const;

export const invitesQueryOptions = () => queryOptions({ queryKey: invitesKey, queryFn: getInvites });
export const useInvites = () => useQuery(invitesQueryOptions());

export const inviteCheckQueryOptions = (code: string) =>
  queryOptions({ queryKey: ['auth', 'invite', code], queryFn: () => checkInvite(code), staleTime: 60_000 });
export const useInviteCheck = (code: string | null) => useQuery({ ...inviteCheckQueryOptions(code ?? ''), enabled: !!code });

export function useCreateInvite() {
  const client = useQueryClient();
  return useMutation({ mutationFn: createInvite, onSuccess: () => client.invalidateQueries({ queryKey: invitesKey }) });
}

export function useWithdrawInvite() {
  const client = useQueryClient();
  return useMutation({ mutationFn: withdrawInvite, onSuccess: () => client.invalidateQueries({ queryKey: invitesKey }) });
}
