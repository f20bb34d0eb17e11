/** Who is making a request, once authenticated. */
export interface Principal {
  readonly userId: number;
  readonly username: string;
  readonly isAdmin: boolean;
  /** How the request proved it: cookie-authenticated writes also need the CSRF token. */
  readonly via: 'session' | 'token';
  /** The session's CSRF token (session principals only). */
  readonly csrfToken?: string;
}
