// Domain errors thrown by services. One error handler maps them to HTTP;
// services never know about status codes.

export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing does not exist, or the caller may not know it exists. */
export class NotFoundError extends DomainError {}

/** The request is well-formed but breaks a rule; `field` names the input at fault. */
export class ValidationError extends DomainError {
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

/** Input made of lines (a pasted list) with lines at fault: each one's number, text and what is wrong. */
export class LineErrors extends ValidationError {
  constructor(
    message: string,
    field: string,
    readonly lines: readonly { readonly line: number; readonly text: string; readonly error: string }[],
  ) {
    super(message, field);
  }
}

/** The request clashes with existing state (a name already taken, …). */
export class ConflictError extends DomainError {}

/** The caller is known but not allowed to do this. */
export class ForbiddenError extends DomainError {}

/** No valid credentials came with the request. */
export class UnauthenticatedError extends DomainError {}

/** Too many attempts; retry after the given number of seconds. */
export class RateLimitedError extends DomainError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** The payload is larger than this instance accepts. */
export class TooLargeError extends DomainError {}

/** The account's disk is full (its quota: docs/disk-quotas.md). */
export class InsufficientStorageError extends DomainError {
  constructor(message = "there is no room left on this account's disk (its quota is full): delete some files, or ask an admin for a bigger quota") {
    super(message);
  }
}

/** The feature exists in the API but this instance cannot do it yet. */
export class NotImplementedError extends DomainError {}

/** A reload or restart did not bring the app up; `logTail` is the end of its error log. */
export class ReloadFailedError extends DomainError {
  constructor(message: string, readonly logTail: string) {
    super(message);
  }
}

/** Something Pyhost depends on (the container engine) is not answering. */
export class UnavailableError extends DomainError {}
