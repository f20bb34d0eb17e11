import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { render } from '@testing-library/react';
import { appRoutes } from '@/app/router';

/** GET /api/auth/me's answer for a signed-in teacher, bob, unless told otherwise. */
export const sampleMe = (over: Record<string, unknown> = {}) => ({
  username: 'bob',
  is_admin: false,
  is_teacher: true,
  teacher: null,
  expires_at: null,
  uid: 10002,
  csrf_token: 'csrf',
  signup: 'invite',
  domain: 'localhost',
  ...over,
});

/** The whole dashboard (every route, as the browser gets them) at `path`. */
export function renderApp(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const router = createMemoryRouter(appRoutes(), { initialEntries: [path] });
  render(<QueryClientProvider client={client}><RouterProvider router={router} /></QueryClientProvider>);
  return { router, client };
}
