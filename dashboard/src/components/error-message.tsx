import { ApiError } from '@/lib/api-client';

/** What went wrong, in words, right where it happened. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div role="alert" className="error-message">
      {title ? <strong>{title}: </strong> : null}
      {errorText(error)}
    </div>
  );
}
