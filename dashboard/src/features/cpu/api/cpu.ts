import { queryOptions, useQuery } from '@tanstack/react-query';
import type { CpuUsageReply } from '@pyhost/control-plane/api-types';
import { api } from '@/lib/api-client';

export type CpuUsage = CpuUsageReply;

export const getCpuUsage = (username: string) => api<CpuUsage>(`/api/v0/user/${encodeURIComponent(username)}/cpu/`);

export const cpuUsageQueryOptions = (username: string) =>
  queryOptions({
    queryKey: ['cpu', username],
    queryFn: () => getCpuUsage(username),
    // The meter adds to it every few seconds: keep the bar roughly current while the page is open.
    refetchInterval: 30_000,
  });

export const useCpuUsage = (username: string) => useQuery(cpuUsageQueryOptions(username));
