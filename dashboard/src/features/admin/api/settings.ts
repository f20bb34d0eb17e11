import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { InstanceSettings, Limits } from './types';
import { limitsKey, settingsKey, usersKey } from './keys';

export const getSettings = () => api<InstanceSettings>('/api/admin/settings');
export const updateSettings = (patch: Partial<InstanceSettings>) => api<InstanceSettings>('/api/admin/settings', { method: 'PATCH', json: patch });
export const getDefaultLimits = () => api<Limits>('/api/admin/limits');
export const updateDefaultLimits = (patch: Partial<Limits>) => api<Limits>('/api/admin/limits', { method: 'PATCH', json: patch });

export const settingsQueryOptions = () => queryOptions({ queryKey: settingsKey, queryFn: getSettings });
export const defaultLimitsQueryOptions = () => queryOptions({ queryKey: limitsKey, queryFn: getDefaultLimits });

export const useSettings = () => useQuery(settingsQueryOptions());
export const useDefaultLimits = () => useQuery(defaultLimitsQueryOptions());

export function useUpdateSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: updateSettings,
    onSuccess: (s) => {
      client.setQueryData(settingsKey, s);
      // The login and sign-up pages read the mode from /api/instance and /api/auth/me.
      return Promise.all([client.invalidateQueries({ queryKey: ['instance'] }), client.invalidateQueries({ queryKey: ['auth', 'me'] })]);
    },
  });
}

export function useUpdateDefaultLimits() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: updateDefaultLimits,
    onSuccess: (limits) => {
      client.setQueryData(limitsKey, limits);
      // Every account without its own value now has the new default.
      return client.invalidateQueries({ queryKey: usersKey });
    },
  });
}
