import { infiniteQueryOptions, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** Something a teacher or an administrator did with your things. */
export interface AuditEntry {
  id: number;
  at: string;
  /** Who did it (their name stays after their account is gone). */
  actor: string;
  role: 'teacher' | 'admin';
  method: string;
  /** What it was about, under /api/v0/user/<you>/. */
  path: string;
  status: number;
}

/** Entries per page of the audit log. */
export const AUDIT_PAGE = 50;

export const setTeacher = (username: string) => api<unknown>('/api/auth/teacher', { method: 'PUT', json: { username } });
export const removeTeacher = () => api<void>('/api/auth/teacher', { method: 'DELETE' });

export const getAudit = (before?: number) =>
  api<{ entries: AuditEntry[] }>(`/api/auth/audit?limit=${AUDIT_PAGE}${before ? `&before=${before}` : ''}`).then((r) => r.entries);

export const auditQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: ['auth', 'audit'],
    queryFn: ({ pageParam }) => getAudit(pageParam),
    initialPageParam: undefined as number | undefined,
    // A short page is the last one; otherwise "older" starts before its oldest entry.
    getNextPageParam: (page) => (page.length < AUDIT_PAGE ? undefined : page[page.length - 1]!.id),
  });

export const useAudit = () => useInfiniteQuery(auditQueryOptions());

export const useSetTeacher = () => useMutation({ mutationFn: setTeacher });
export const useRemoveTeacher = () => useMutation({ mutationFn: removeTeacher });
