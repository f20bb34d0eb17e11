import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { parseFutureTimestamp } from '../../domain/timestamps.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';

// The rules an admin's changes to accounts keep, shared by creating one,
// creating many, changing, disabling and deleting them.

/** The account named `username`, for an admin (a half-deleted one too: its deletion can be retried). */
export function accountNamed(users: UsersStore, username: string): UserRow {
  const user = users.byUsername(username);
  if (!user) throw new NotFoundError(`no account "${username}"`);
  return user;
}

/**
 * An admin never takes an instance's last way in away: not their own
 * account (another admin must), and not the last enabled admin's.
 */
export function assertNotSelfOrLastAdmin(users: UsersStore, actor: Principal, target: UserRow, doing: string): void {
  if (target.id === actor.userId) throw new ConflictError(`you cannot ${doing} your own account: another administrator has to`);
  if (target.is_admin === 1 && target.disabled_at === null && users.activeAdminCount() <= 1) {
    throw new ConflictError(`"${target.username}" is the last administrator: make another account an administrator first, then ${doing} this one`);
  }
}

/**
 * The teacher named in a request, as an id. Teachers have students, and so
 * do admins (their invite codes make students too); never oneself.
 */
export function teacherId(users: UsersStore, username: string | null | undefined, student?: string): number | null | undefined {
  if (username === undefined || username === null) return username;
  const teacher = users.byUsername(username);
  if (!teacher || teacher.disabled_reason === 'deleting') throw new ValidationError(`no account "${username}" to be the teacher`, 'teacher');
  if (teacher.is_teacher !== 1 && teacher.is_admin !== 1) {
    throw new ValidationError(`"${username}" is not a teacher: make them a teacher first`, 'teacher');
  }
  if (username === student) throw new ValidationError('an account cannot be its own teacher', 'teacher');
  return teacher.id;
}

/** An expiry date from a request: in the future, or null for none. */
export function expiryDate(value: string | null | undefined, nowIso: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  return parseFutureTimestamp(value, 'expires_at', nowIso);
}
