import type { Config } from '../config.js';
import type { Db } from '../store/database.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import { assertUsername } from '../domain/names.js';
import { uidFor, userDirs } from '../domain/layout.js';
import type { Principal } from '../domain/principal.js';
import { UsersStore, type UserRow } from '../store/users-store.js';
import { SessionsStore } from '../store/sessions-store.js';
import { TokensStore, type TokenRow } from '../store/tokens-store.js';
import { dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from './secrets.js';
import { LoginThrottle } from './login-throttle.js';
import { createUserDirs } from './user-dirs.js';

const SESSION_DAYS = 14;

export interface NewSession {
  readonly user: UserRow;
  /** The cookie value; only its hash is stored. */
  readonly sessionToken: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface CreatedToken {
  readonly row: TokenRow;
  /** The token itself, shown to the user once. */
  readonly token: string;
}

function assertPassword(password: string): void {
  if (password.length < 8) throw new ValidationError('password must be at least 8 characters', 'password');
  if (password.length > 1024) throw new ValidationError('password must be at most 1024 characters', 'password');
}

export class AuthService {
  private readonly users: UsersStore;
  private readonly sessions: SessionsStore;
  private readonly tokens: TokensStore;
  private readonly throttle = new LoginThrottle();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {
    this.users = new UsersStore(db);
    this.sessions = new SessionsStore(db);
    this.tokens = new TokensStore(db);
  }

  /**
   * Creates an account and its folders. Anyone may when sign-up is open;
   * otherwise only an admin (`actor`).
   */
  async signup(username: string, password: string, actor: Principal | null): Promise<UserRow> {
    if (this.config.signup !== 'open' && !actor?.isAdmin) {
      throw new ForbiddenError('Sign-up is closed on this Pyhost: ask an administrator to create your account');
    }
    return this.createUser(username, password, false);
  }

  /** Creates the configured admin, or resets its password and admin flag. */
  async ensureAdmin(username: string, password: string): Promise<UserRow> {
    const existing = this.users.byUsername(username);
    if (!existing) return this.createUser(username, password, true);
    this.users.update(existing.id, { passwordHash: await hashPassword(password), isAdmin: true });
    return this.users.byId(existing.id)!;
  }

  private async createUser(username: string, password: string, isAdmin: boolean): Promise<UserRow> {
    assertUsername(username);
    assertPassword(password);
    if (this.users.byUsername(username)) throw new ConflictError(`the username "${username}" is taken`);
    const hash = await hashPassword(password);
    // Row and folders together: a failure to create the folders rolls the row back.
    return this.db.transaction(() => {
      if (this.users.byUsername(username)) throw new ConflictError(`the username "${username}" is taken`);
      const user = this.users.insert(username, hash, isAdmin);
      createUserDirs(userDirs(this.config.dataDir, username), uidFor(this.config.uidBase, user.id));
      return user;
    })();
  }

  async login(username: string, password: string, address: string): Promise<NewSession> {
    this.throttle.check(username, address);
    const user = this.users.byUsername(username);
    // Spend the same time on unknown names, so timing does not tell which exist.
    const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
    if (!user || !ok) {
      this.throttle.recordFailure(username, address);
      throw new UnauthenticatedError('wrong username or password');
    }
    this.throttle.recordSuccess(username);
    return this.startSession(user);
  }

  startSession(user: UserRow): NewSession {
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

  fromSession(sessionToken: string): Principal | null {
    const session = this.sessions.live(sha256(sessionToken));
    if (!session) return null;
    const user = this.users.byId(session.user_id);
    if (!user) return null;
    return { userId: user.id, username: user.username, isAdmin: user.is_admin === 1, via: 'session', csrfToken: session.csrf_token };
  }

  fromApiToken(token: string): Principal | null {
    const row = this.tokens.byHash(sha256(token));
    if (!row) return null;
    const user = this.users.byId(row.user_id);
    if (!user) return null;
    this.tokens.touch(row.id);
    return { userId: user.id, username: user.username, isAdmin: user.is_admin === 1, via: 'token' };
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

  /** The user whose resources `principal` may act on, or NotFound (never revealing that it exists). */
  resolveOwner(principal: Principal, username: string): UserRow {
    const user = this.users.byUsername(username);
    if (!user || (user.id !== principal.userId && !principal.isAdmin)) {
      throw new NotFoundError(`no user "${username}" that you can see`);
    }
    return user;
  }
}
