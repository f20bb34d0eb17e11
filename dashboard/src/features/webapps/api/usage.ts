import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';
import type { WebappUsageReply } from './types';

export type UsagePeriod = WebappUsageReply['period'];

export const getWebappUsage = (username: string, domain: string, period: UsagePeriod) =>
  api<WebappUsageReply>(`${userApi(username, 'webapps', domain, 'usage', '')}?period=${period}`);

export const webappUsageQueryOptions = (username: string, domain: string, period: UsagePeriod) =>
  queryOptions({
    queryKey: ['webapps', username, domain, 'usage', period] as const,
    queryFn: () => getWebappUsage(username, domain, period),
    // A new bucket a minute (the hour) or a quarter hour (the day); the CPU sweep reads every few seconds.
    refetchInterval: period === 'hour' ? 30_000 : 120_000,
  });

export const useWebappUsage = (username: string, domain: string, period: UsagePeriod) => useQuery(webappUsageQueryOptions(username, domain, period));
