import { ApiError } from '@/lib/api-client';

/**
 * Splits an API error between the form's fields and the form as a whole:
 * a 400 naming one of `fields` goes next to it, anything else (a 409 over
 * a limit, an unknown field, the network) above the buttons.
 */
export function splitServerError<F extends string>(error: unknown, fields: readonly F[]): { field: F | null; detail: string | null; general: unknown } {
  if (error instanceof ApiError && error.status === 400 && error.field && (fields as readonly string[]).includes(error.field)) {
    return { field: error.field as F, detail: error.detail, general: null };
  }
  return { field: null, detail: null, general: error };
}
