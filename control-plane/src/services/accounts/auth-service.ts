import type { Config } from '../../config.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../../domain/errors.js';
import { assertUsername } from '../../domain/names.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import type { Principal } from '../../domain/principal.js';
import type { MetaStore } from '../../store/meta-store.js';
import type { SessionsStore } from '../../store/sessions-store.js';
import type { Stores } from '../../store/stores.js';
import type { TokenRow, TokensStore } from '../../store/tokens-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import { dummyPasswordHash, hashPassword, randomToken, sameHash, sha256, verifyPassword } from '../../lib/secrets.js';
import { DeviceCookies, LoginThrottle, type DeviceCookie } from './login-throttle.js';
import { createUserDirs } from './user-dirs.js';
import type { InstanceSettings } from './instance-settings.js';
import type { InviteCodes, Redemption } from './invite-codes.js';
import type { LiveConnections } from './live-connections.js';

const SESSION_DAYS = 14;
/** meta key of the first-run setup token's SHA-256 (the token itself is only ever in the api's log). */
const SETUP_TOKEN_KEY = 'setup_token_sha256';
/** meta key of the secret that signs device cookies (made on first use, kept across restarts). */
const DEVICE_SECRET_KEY = 'device_cookie_secret';

export interface NewSession {
  readonly user: UserRow;
  /** The cookie value; only its hash is stored. */
  readonly sessionToken: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface LoginSession extends NewSession {
  /** Lets this browser past the throttle that others' wrong guesses for this username run up. */
  readonly deviceCookie: DeviceCookie;
}

export interface CreatedToken {
  readonly row: TokenRow;
  /** The token itself, shown to the user once. */
  readonly token: string;
}

function principalOf(user: UserRow, via: 'session' | 'token', csrfToken?: string): Principal {
  return { userId: user.id, username: user.username, isAdmin: user.is_admin === 1, isTeacher: user.is_teacher === 1, via, csrfToken };
}

/** What a disabled account's owner is told when they try to log in. */
export function disabledMessage(user: UserRow): string {
  if (user.disabled_reason === 'expired') {
    return `this account expired on ${user.expires_at?.slice(0, 10) ?? 'its end date'}: its files are kept; ask an administrator to enable it again`;
  }
  return 'this account is disabled: its files are kept; ask an administrator to enable it again';
}

export function assertPassword(password: string): void {
  if (password.length < 8) throw new ValidationError('password must be at least 8 characters', 'password');
  if (password.length > 1024) throw new ValidationError('password must be at most 1024 characters', 'password');
}

export class AuthService {
  private readonly users: UsersStore;
  private readonly sessions: SessionsStore;
  private readonly tokens: TokensStore;
  private readonly meta: MetaStore;
  private readonly throttle = new LoginThrottle();
  private devices: DeviceCookies | undefined;

  constructor(
    private readonly stores: Stores,
    private readonly config: Config,
    private readonly settings: InstanceSettings,
    private readonly live: LiveConnections,
    private readonly invites: InviteCodes,
  ) {
    this.users = stores.users;
    this.sessions = stores.sessions;
    this.tokens = stores.tokens;
    this.meta = stores.meta;
  }

  /**
   * Creates an account and its folders. Anyone may when sign-up is open,
   * whoever has a valid invite `code` when it is 'invite'; an admin
   * (`actor`) always. With a code the account becomes its maker's student
   * (with the code's expiry date and limits), and the code's use is taken
   * in the transaction that creates the account.
   */
  async signup(username: string, password: string, actor: Principal | null, code?: string): Promise<UserRow> {
    if (!actor?.isAdmin) {
      const mode = this.settings.signupMode();
      if (mode === 'closed') throw new ForbiddenError('Sign-up is closed on this Pyhost: ask an administrator to create your account');
      if (mode === 'invite' && code === undefined) throw new ForbiddenError('Sign-up on this Pyhost needs an invite code: use the link your teacher or administrator gave you');
    }
    if (code === undefined) return this.createUser(username, password, false);
    // Refused before the password is hashed; checked again, and its use taken, with the account.
    this.invites.assertUsable(code);
    return this.createUser(username, password, false, () => this.invites.redeem(code));
  }

  /** Creates the configured admin, or resets its password and admin flag. */
  async ensureAdmin(username: string, password: string): Promise<UserRow> {
    const existing = this.users.byUsername(username);
    if (!existing) return this.createUser(username, password, true);
    this.users.update(existing.id, { passwordHash: await hashPassword(password, this.config.passwordHashCost), isAdmin: true });
    return this.users.byId(existing.id)!;
  }

  /**
   * First run without PYHOST_ADMIN_*: while the instance has no users at all,
   * makes a new one-time setup token (replacing any earlier one) and returns
   * it for the api's log; only its hash is stored. Returns null once anyone
   * exists, and forgets a token nobody used.
   */
  issueSetupToken(): string | null {
    if (this.users.count() > 0) {
      this.meta.remove(SETUP_TOKEN_KEY);
      return null;
    }
    const token = randomToken();
    this.meta.set(SETUP_TOKEN_KEY, sha256(token));
    return token;
  }

  /** Whether this instance is waiting for its first admin (and a setup token is out). */
  setupPending(): boolean {
    return this.users.count() === 0 && this.meta.get(SETUP_TOKEN_KEY) !== undefined;
  }

  /**
   * Creates the first admin with the setup token from the api's log. Works
   * exactly once: the token is consumed in the same transaction that creates
   * the account, and refused as soon as any account exists.
   */
  async completeSetup(token: string, username: string, password: string): Promise<UserRow> {
    this.assertSetupToken(token);
    return this.createUser(username, password, true, () => this.assertSetupToken(token, { consume: true }));
  }

  private assertSetupToken(token: string, { consume = false } = {}): void {
    const stored = this.meta.get(SETUP_TOKEN_KEY);
    if (stored === undefined || this.users.count() > 0) {
      throw new ConflictError('this Pyhost is already set up: log in, or ask an administrator for an account');
    }
    if (!sameHash(sha256(token), stored)) throw new ForbiddenError('wrong setup token (it is in the api\'s log; each start prints a new one)');
    if (consume) this.meta.remove(SETUP_TOKEN_KEY);
  }

  /** `guard` runs in the account's transaction: it may refuse, or give the account a teacher, expiry and limits. */
  private async createUser(username: string, password: string, isAdmin: boolean, guard?: () => Redemption | void): Promise<UserRow> {
    assertUsername(username);
    assertPassword(password);
    if (this.users.byUsername(username)) throw new ConflictError(`the username "${username}" is taken`);
    const hash = await hashPassword(password, this.config.passwordHashCost);
    // Row and folders together: a failure to create the folders rolls the row back.
    return this.stores.inTransaction(() => {
      const extra = guard?.() ?? {};
      if (this.users.byUsername(username)) throw new ConflictError(`the username "${username}" is taken`);
      const user = this.users.insert(username, hash, isAdmin, extra);
      createUserDirs(userDirs(this.config.dataDir, username), uidFor(this.config.uidBase, user.id), this.config.ingressUid);
      return user;
    });
  }

  /**
   * `deviceCookie` is what the browser kept from an earlier login: one valid
   * for this username is throttled only by its own failures (see LoginThrottle).
   */
  async login(username: string, password: string, address: string, deviceCookie?: string): Promise<LoginSession> {
    const devices = this.deviceCookies();
    const attempt = this.throttle.begin({ username, address, device: devices.deviceOf(deviceCookie, username) });
    const user = this.users.byUsername(username);
    // Spend the same time on unknown names, so timing does not tell which exist.
    const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash(this.config.passwordHashCost)));
    if (!user || !ok) throw new UnauthenticatedError('wrong username or password');
    attempt.succeeded();
    // Only someone who knows the password learns that the account is disabled.
    if (user.disabled_at !== null) throw new ForbiddenError(disabledMessage(user));
    return { ...this.startSession(user), deviceCookie: devices.issue(user.username) };
  }

  private deviceCookies(): DeviceCookies {
    if (!this.devices) {
      let secret = this.meta.get(DEVICE_SECRET_KEY);
      if (secret === undefined) {
        secret = randomToken();
        this.meta.set(DEVICE_SECRET_KEY, secret);
      }
      this.devices = new DeviceCookies(secret);
    }
    return this.devices;
  }

  /** A session for `user`: they are logged in now (a login, their own sign-up, the first-run setup). */
  startSession(user: UserRow): NewSession {
    this.users.touchLogin(user.id);
    const sessionToken = randomToken();
    const csrfToken = randomToken();
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
    this.sessions.removeExpired();
    this.sessions.insert(sha256(sessionToken), user.id, csrfToken, expiresAt);
    return { user, sessionToken, csrfToken, expiresAt };
  }

  logout(sessionToken: string): void {
    this.sessions.remove(sha256(sessionToken));
  }

  /** The session's user, looked up on every request: a disabled or deleted account's session stops working at once. */
  fromSession(sessionToken: string): Principal | null {
    const session = this.sessions.live(sha256(sessionToken));
    if (!session) return null;
    const user = this.users.byId(session.user_id);
    if (!user || user.disabled_at !== null) return null;
    return principalOf(user, 'session', session.csrf_token);
  }

  fromApiToken(token: string): Principal | null {
    const row = this.tokens.byHash(sha256(token));
    if (!row) return null;
    const user = this.users.byId(row.user_id);
    if (!user || user.disabled_at !== null) return null;
    this.tokens.touch(row.id);
    return principalOf(user, 'token');
  }

  /**
   * Ends every way the user is signed in: sessions, API tokens, and what
   * they have open (console sockets, log streams). For a password reset, a
   * disabled or a deleted account.
   */
  revokeCredentials(userId: number, reason: string): void {
    this.stores.inTransaction(() => {
      this.sessions.removeForUser(userId);
      this.tokens.removeForUser(userId);
    });
    this.live.endOpenedBy(userId, reason);
  }

  createToken(userId: number, name: string): CreatedToken {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) throw new ValidationError('name must be 1 to 100 characters', 'name');
    const token = randomToken();
    return { row: this.tokens.insert(userId, trimmed, sha256(token)), token };
  }

  listTokens(userId: number): TokenRow[] {
    return this.tokens.forUser(userId);
  }

  deleteToken(userId: number, id: number): void {
    if (!this.tokens.remove(userId, id)) throw new NotFoundError('no such token');
  }
}
