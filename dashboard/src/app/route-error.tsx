import { Link, isRouteErrorResponse, useRouteError } from 'react-router';
import { errorText } from '@/components/error-message';

/** Shown instead of a blank screen when a page throws while rendering or loading. */
export function RouteError() {
  const error = useRouteError();
  const text = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : errorText(error);
  return (
    <main className="centered">
      <div className="card" role="alert">
        <h1>Something went wrong on this page</h1>
        <p>{text}</p>
        <p>
          <button type="button" onClick={() => location.reload()}>Reload the page</button> or <Link to="/web">go to your web apps</Link>.
        </p>
      </div>
    </main>
  );
}

export function NotFound() {
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p>
        There is nothing here. <Link to="/web">Go to your web apps</Link>.
      </p>
    </div>
  );
}
