import { Type, type TSchema } from 'typebox';

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'HTTP status text' }),
    detail: Type.String({ description: 'what went wrong, for a person' }),
    field: Type.Optional(Type.String({ description: 'the input at fault' })),
    log_tail: Type.Optional(Type.String({ description: "the end of the app's error log, when a reload failed" })),
  },
  { $id: 'Error' },
);

export const StatusOk = Type.Object({ status: Type.Literal('OK') });

/** Adds the shared error body for 4xx/5xx to a route's success responses. */
export function responses<T extends Record<number, TSchema>>(success: T) {
  return { ...success, '4xx': ErrorSchema, '5xx': ErrorSchema };
}
