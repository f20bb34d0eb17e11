import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export interface Instance {
  signup: 'open' | 'closed';
  domain: string;
}

export const getInstance = () => api<Instance>('/api/instance');

export const instanceQueryOptions = () => queryOptions({ queryKey: ['instance'], queryFn: getInstance, staleTime: Infinity });

export const useInstance = () => useQuery(instanceQueryOptions());
