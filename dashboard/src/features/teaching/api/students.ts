import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, userApi } from '@/lib/api-client';

/** One of a teacher's students, as the Students page lists them. */
export interface Student {
  username: string;
  /** Their web apps' domains. */
  webapps: string[];
  /** Consoles they have open. */
  consoles: number;
  last_login_at: string | null;
  /** A workshop account is disabled by itself then. */
  expires_at: string | null;
  disabled: boolean;
}

export const getStudents = () => api<{ students: Student[] }>('/api/teaching/students').then((r) => r.students);

/** PythonAnywhere's students API: the student no longer has `teacher` as their teacher. */
export const removeStudent = (teacher: string, student: string) => api<void>(userApi(teacher, 'students', student), { method: 'DELETE' });

const studentsKey = ['teaching', 'students'] as const;

// The list shows consoles and last logins: worth refreshing while the page is open in class.
export const studentsQueryOptions = () => queryOptions({ queryKey: studentsKey, queryFn: getStudents, refetchInterval: 30_000 });

export const useStudents = () => useQuery(studentsQueryOptions());

export function useRemoveStudent(teacher: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (student: string) => removeStudent(teacher, student),
    onSuccess: () => client.invalidateQueries({ queryKey: studentsKey }),
  });
}
