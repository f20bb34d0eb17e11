import type { UserRow } from '../../src/store/users-store.js';

/** A users row as the store returns it, for unit tests that never open a database. */
export function userRow(over: Partial<UserRow> & Pick<UserRow, 'id' | 'username'>): UserRow {
  return {
    password_hash: '', is_admin: 0, is_teacher: 0, teacher_id: null, created_at: '', disabled_at: null, disabled_reason: null,
    expires_at: null, last_login_at: null, limits_json: '{}', ...over,
  };
}
