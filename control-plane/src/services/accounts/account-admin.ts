import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { ValidationError } from '../../domain/errors.js';
import { assertUsername } from '../../domain/names.js';
import type { Principal } from '../../domain/principal.js';
import { hashPassword } from '../../lib/secrets.js';
import type { Stores } from '../../store/stores.js';
import type { UserRow } from '../../store/users-store.js';
import { insertAccounts } from './account-creation.js';
import { accountNamed, assertNotSelfOrLastAdmin, expiryDate, teacherId } from './account-rules.js';
import type { AdminQuery, AdminUser, AdminView } from './admin-view.js';
import { assertPassword, type AuthService } from './auth-service.js';
import { GENERATED_HASH_COST, generatePassword } from './generated-passwords.js';
import type { LiveConnections } from './live-connections.js';

export interface NewAccountInput {
  username: string;
  password?: string | undefined;
  is_admin?: boolean | undefined;
  is_teacher?: boolean | undefined;
  teacher?: string | undefined;
  expires_at?: string | undefined;
}

export interface AccountPatch {
  is_admin?: boolean | undefined;
  is_teacher?: boolean | undefined;
  teacher?: string | null | undefined;
  expires_at?: string | null | undefined;
}

/** A password an admin set, or one Pyhost made up (returned once, to be handed over). */
export interface ChosenPassword {
  readonly password: string;
  readonly generated: boolean;
  readonly hash: string;
}

/** The admin's password if given (checked; the configured cost), else a generated one (its own cost, see GENERATED_HASH_COST). */
export async function choosePassword(config: Config, given: string | undefined): Promise<ChosenPassword> {
  if (given !== undefined) {
    assertPassword(given);
    return { password: given, generated: false, hash: await hashPassword(given, config.passwordHashCost) };
  }
  const password = generatePassword();
  return { password, generated: true, hash: await hashPassword(password, GENERATED_HASH_COST) };
}

/**
 * The Admin page's accounts: the list, creating one, changing one's flags,
 * teacher and expiry, and resetting a password. Every change is logged
 * with the admin who made it.
 */
export class AccountAdmin {
  constructor(
    private readonly stores: Stores,
    private readonly config: Config,
    private readonly view: AdminView,
    private readonly auth: AuthService,
    private readonly live: LiveConnections,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number,
  ) {}

  list(query: AdminQuery): AdminUser[] {
    return this.view.all(query);
  }

  get(username: string): AdminUser {
    return this.view.of(accountNamed(this.stores.users, username).id);
  }

  async create(actor: Principal, input: NewAccountInput): Promise<{ user: AdminUser; password: string | null }> {
    assertUsername(input.username);
    const teacher = teacherId(this.stores.users, input.teacher, input.username);
    const expiresAt = expiryDate(input.expires_at, this.nowIso());
    const chosen = await choosePassword(this.config, input.password);
    const [user] = await insertAccounts(this.stores, this.config, [{
      username: input.username, passwordHash: chosen.hash, isAdmin: input.is_admin, isTeacher: input.is_teacher, teacherId: teacher, expiresAt,
    }]);
    this.log.info({ admin: actor.username, user: input.username, is_admin: !!input.is_admin, is_teacher: !!input.is_teacher }, 'account created');
    return { user: this.view.of(user!.id), password: chosen.generated ? chosen.password : null };
  }

  /** Changes what the patch names; nothing when any of it is refused. */
  update(actor: Principal, username: string, patch: AccountPatch): AdminUser {
    const users = this.stores.users;
    const user = accountNamed(users, username);
    if (patch.is_admin === false && user.is_admin === 1) assertNotSelfOrLastAdmin(users, actor, user, 'take the administrator role from');
    const teacher = teacherId(users, patch.teacher, username);
    const expiresAt = expiryDate(patch.expires_at, this.nowIso());
    users.update(user.id, { isAdmin: patch.is_admin, isTeacher: patch.is_teacher, teacherId: teacher, expiresAt });
    if (patch.is_teacher === false && user.is_teacher === 1) this.endTeaching(user);
    if (teacher !== undefined && user.teacher_id !== null && teacher !== user.teacher_id) {
      this.live.endAccess(user.teacher_id, user.id, `${username} is no longer your student`);
    }
    this.log.info({ admin: actor.username, user: username, changes: patch }, 'account changed');
    return this.view.of(user.id);
  }

  /** Sets a new password (generated unless given) and ends every session, token and open console or stream of the account. */
  async resetPassword(actor: Principal, username: string, password: string | undefined): Promise<{ password: string | null }> {
    const user = accountNamed(this.stores.users, username);
    if (user.disabled_reason === 'deleting') throw new ValidationError(`"${username}" is being deleted`, 'username');
    const chosen = await choosePassword(this.config, password);
    this.stores.users.update(user.id, { passwordHash: chosen.hash });
    this.auth.revokeCredentials(user.id, 'your password was reset by an administrator: log in again');
    this.log.info({ admin: actor.username, user: username, generated: chosen.generated }, 'password reset; sessions and tokens revoked');
    return { password: chosen.generated ? chosen.password : null };
  }

  /** A teacher mark taken away: what they had open on their students' things ends now. */
  private endTeaching(teacher: UserRow): void {
    if (teacher.is_admin === 1) return; // an admin sees every account anyway
    for (const student of this.stores.users.studentsOf(teacher.id)) {
      this.live.endAccess(teacher.id, student.id, 'you are no longer a teacher here');
    }
  }

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }
}
