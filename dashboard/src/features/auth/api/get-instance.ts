import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { SignupMode } from './get-me';

export interface Instance {
  signup: SignupMode;
  domain: string;
}

export const getInstance = () => api<Instance>('/api/instance');

export const instanceQueryOptions = () => queryOptions({ queryKey: ['instance'], queryFn: getInstance, staleTime: Infinity });

export const useInstance = () => useQuery(instanceQueryOptions());
