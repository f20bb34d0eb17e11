import type { QueryClient } from '@tanstack/react-query';
import { Navigate, createBrowserRouter, type RouteObject } from 'react-router';
import { usersQueryOptions } from '@/features/admin/api/users';
import { AuthenticatedLayout } from './layout';
import { RouteError, NotFound } from './route-error';
import { LoginRoute } from './routes/auth';
import { SignupRoute } from './routes/signup';
import { AccountRoute } from './routes/account';
import { AdminRoute } from './routes/admin';
import { SetupRoute } from './routes/setup';
import { StudentsRoute } from './routes/students';
import { FilesRoute } from './routes/files';
import { ConsolesRoute } from './routes/consoles';
import { LogsRoute } from './routes/logs';
import { TaskLogRoute, TasksRoute } from './routes/tasks';
import { ViewingLayout } from './routes/viewing';
import { NewWebappRoute, NewWebsiteRoute, WebIndexRoute, WebLayout, WebTabRoute, WebsiteRoute } from './routes/web';

/**
 * The pages of one account's things, relative: at the root for your own,
 * under /u/:username for someone you look at (lib/paths.ts builds both).
 */
function accountPages(): RouteObject[] {
  return [
    {
      path: 'web',
      element: <WebLayout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <WebIndexRoute /> },
        { path: 'new', element: <NewWebappRoute /> },
        { path: ':domain', element: <WebTabRoute /> },
        { path: ':domain/logs/:kind', element: <LogsRoute /> },
        { path: 'websites/new', element: <NewWebsiteRoute /> },
        { path: 'websites/:domain', element: <WebsiteRoute /> },
        { path: 'websites/:domain/logs/:kind', element: <LogsRoute site="website" /> },
      ],
    },
    { path: 'files/*', element: <FilesRoute />, errorElement: <RouteError /> },
    // The editor (CodeMirror) loads only when a file is opened.
    { path: 'edit/*', lazy: () => import('./routes/edit').then((m) => ({ Component: m.EditRoute })), errorElement: <RouteError /> },
    { path: 'consoles', element: <ConsolesRoute />, errorElement: <RouteError /> },
    // The terminal (xterm.js) loads only when a console is opened.
    { path: 'consoles/:id', lazy: () => import('./routes/console').then((m) => ({ Component: m.ConsoleRoute })), errorElement: <RouteError /> },
    { path: 'tasks', element: <TasksRoute />, errorElement: <RouteError /> },
    { path: 'tasks/:kind/:id/log', element: <TaskLogRoute />, errorElement: <RouteError /> },
  ];
}

/**
 * The Admin pages' list of accounts, asked for at once, alongside who is
 * signed in rather than after (a non-admin's 403 is never shown): the
 * first render of 500 accounts waits on it (bench/admin-page.ts).
 */
function prefetchAccounts(queryClient: QueryClient | undefined) {
  if (!queryClient) return undefined;
  return () => {
    void queryClient.prefetchQuery(usersQueryOptions());
    return null;
  };
}

/** Every page of the dashboard. Each has an error element, so a failure never leaves a blank screen. */
export function appRoutes(queryClient?: QueryClient): RouteObject[] {
  return [
    {
      errorElement: <RouteError />,
      children: [
        { path: '/login', element: <LoginRoute /> },
        { path: '/signup', element: <SignupRoute /> },
        { path: '/setup', element: <SetupRoute /> },
        {
          element: <AuthenticatedLayout />,
          errorElement: <RouteError />,
          children: [
            { index: true, element: <Navigate to="/web" replace /> },
            ...accountPages(),
            {
              path: '/u/:username',
              element: <ViewingLayout />,
              errorElement: <RouteError />,
              children: [{ index: true, element: <Navigate to="web" replace /> }, ...accountPages(), { path: '*', element: <NotFound /> }],
            },
            { path: '/account', element: <AccountRoute /> },
            { path: '/students', element: <StudentsRoute />, errorElement: <RouteError /> },
            { path: '/admin/*', element: <AdminRoute />, loader: prefetchAccounts(queryClient), errorElement: <RouteError /> },
            { path: '*', element: <NotFound /> },
          ],
        },
      ],
    },
  ];
}

export function createAppRouter(queryClient: QueryClient) {
  return createBrowserRouter(appRoutes(queryClient));
}
