import { NotFoundError } from '../../domain/errors.js';
import { roleOver, type OwnerRole, type Principal } from '../../domain/principal.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';

export interface OwnerOfRequest {
  readonly owner: UserRow;
  readonly role: OwnerRole;
}

/**
 * Whose things a request under /api/v0/user/{username}/ is about, and why
 * the caller may touch them: their own, as an admin, or as that user's
 * teacher. Anyone else, and an account being deleted, gets the same 404 as
 * a name nobody has.
 */
export class OwnerAccess {
  constructor(private readonly users: UsersStore) {}

  resolve(principal: Principal, username: string): OwnerOfRequest {
    const owner = this.users.byUsername(username);
    const role = owner && owner.disabled_reason !== 'deleting' ? roleOver(principal, owner) : null;
    if (!owner || role === null) throw new NotFoundError(`no user "${username}" that you can see`);
    return { owner, role };
  }
}
