/** Who is making a request, once authenticated. */
export interface Principal {
  readonly userId: number;
  readonly username: string;
  readonly isAdmin: boolean;
  /** May make invite codes and have students (admins may too). */
  readonly isTeacher: boolean;
  /** How the request proved it: cookie-authenticated writes also need the CSRF token. */
  readonly via: 'session' | 'token';
  /** The session's CSRF token (session principals only). */
  readonly csrfToken?: string;
}

/**
 * Why a principal may act on an owner's things: they are the owner, an
 * admin, or the owner's teacher. Anything but `owner` is written to the
 * owner's audit log.
 */
export type OwnerRole = 'owner' | 'admin' | 'teacher';

/** The role `principal` has over the account `owner`, or null: not theirs to see. */
export function roleOver(principal: Principal, owner: { id: number; teacher_id: number | null }): OwnerRole | null {
  if (owner.id === principal.userId) return 'owner';
  if (principal.isAdmin) return 'admin';
  // A teacher whose teacher flag was taken away sees nobody's things any more.
  if (principal.isTeacher && owner.teacher_id === principal.userId) return 'teacher';
  return null;
}
