import type { QueryClient } from '@tanstack/react-query';
import { Navigate, createBrowserRouter } from 'react-router';
import { AuthenticatedLayout } from './layout';
import { RouteError, NotFound } from './route-error';
import { LoginRoute, SignupRoute } from './routes/auth';
import { AccountRoute } from './routes/account';
import { AdminRoute } from './routes/admin';
import { SetupRoute } from './routes/setup';
import { StudentsRoute } from './routes/students';
import { FilesRoute } from './routes/files';
import { ConsolesRoute } from './routes/consoles';
import { LogsRoute } from './routes/logs';
import { NewWebappRoute, WebIndexRoute, WebLayout, WebTabRoute } from './routes/web';

/** Every page of the dashboard. Each has an error element, so a failure never leaves a blank screen. */
export function createAppRouter(_queryClient: QueryClient) {
  return createBrowserRouter([
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
            {
              path: '/web',
              element: <WebLayout />,
              errorElement: <RouteError />,
              children: [
                { index: true, element: <WebIndexRoute /> },
                { path: 'new', element: <NewWebappRoute /> },
                { path: ':domain', element: <WebTabRoute /> },
                { path: ':domain/logs/:kind', element: <LogsRoute /> },
              ],
            },
            { path: '/files/*', element: <FilesRoute />, errorElement: <RouteError /> },
            // The editor (CodeMirror) loads only when a file is opened.
            { path: '/edit/*', lazy: () => import('./routes/edit').then((m) => ({ Component: m.EditRoute })), errorElement: <RouteError /> },
            { path: '/consoles', element: <ConsolesRoute />, errorElement: <RouteError /> },
            // The terminal (xterm.js) loads only when a console is opened.
            { path: '/consoles/:id', lazy: () => import('./routes/console').then((m) => ({ Component: m.ConsoleRoute })), errorElement: <RouteError /> },
            { path: '/account', element: <AccountRoute /> },
            { path: '/students', element: <StudentsRoute />, errorElement: <RouteError /> },
            { path: '/admin/*', element: <AdminRoute />, errorElement: <RouteError /> },
            { path: '*', element: <NotFound /> },
          ],
        },
      ],
    },
  ]);
}
