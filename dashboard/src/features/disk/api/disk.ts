import { queryOptions, useQuery } from '@tanstack/react-query';
import type { DiskUsageReply } from '@pyhost/control-plane/api-types';
import { api } from '@/lib/api-client';

export type DiskUsage = DiskUsageReply;

export const getDiskUsage = (username: string) => api<DiskUsage>(`/api/v0/user/${encodeURIComponent(username)}/disk/`);

export const diskUsageQueryOptions = (username: string) =>
  queryOptions({
    queryKey: ['disk', username],
    queryFn: () => getDiskUsage(username),
    // Files are written from consoles too, not only through this page: look again now and then.
    refetchInterval: 60_000,
  });

export const useDiskUsage = (username: string) => useQuery(diskUsageQueryOptions(username));
