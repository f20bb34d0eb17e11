import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { duplicateLines, MAX_LIST_ACCOUNTS, parseAccountList, type LineError, type ListedAccount } from '../../domain/account-list.js';
import { DomainError, LineErrors, ValidationError } from '../../domain/errors.js';
import { assertUsername } from '../../domain/names.js';
import type { Principal } from '../../domain/principal.js';
import type { Stores } from '../../store/stores.js';
import { insertAccounts, UsernameTakenError, whyTaken } from './account-creation.js';
import { expiryDate, teacherId } from './account-rules.js';
import { assertPassword } from './auth-service.js';
import { GENERATED_HASH_COST, generatePassword, hashAll } from './generated-passwords.js';

export interface BulkInput {
  text: string;
  is_teacher?: boolean | undefined;
  teacher?: string | undefined;
  expires_at?: string | undefined;
}

/** One account made from the list, with its password (shown once, for the printed sheet). */
export interface BulkCreated {
  readonly username: string;
  readonly password: string;
  /** Pyhost made the password up (the list had none for this line). */
  readonly generated: boolean;
}

/** What is wrong with one line, or null. */
function lineProblem(stores: Stores, config: Config, a: ListedAccount): string | null {
  try {
    assertUsername(a.username);
    if (a.password !== null) assertPassword(a.password);
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  return whyTaken(stores, config, a.username);
}

function refused(errors: readonly LineError[]): LineErrors {
  const n = errors.length;
  return new LineErrors(`${n} line${n === 1 ? '' : 's'} of the list cannot be used, so no account was created: fix ${n === 1 ? 'it' : 'them'} and send the list again`, 'text', errors);
}

/**
 * Many accounts from a pasted list or CSV (`username[,password]` a line),
 * all or none: every line is checked first and each one at fault is
 * reported, and then every account is made in one transaction with its
 * folders. Passwords the list leaves out are generated.
 */
export class BulkAccounts {
  constructor(
    private readonly stores: Stores,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number,
  ) {}

  async create(actor: Principal, input: BulkInput): Promise<BulkCreated[]> {
    const teacher = teacherId(this.stores.users, input.teacher);
    const expiresAt = expiryDate(input.expires_at, new Date(this.now()).toISOString());
    const listed = this.parse(input.text);
    if (teacher !== undefined && teacher !== null) {
      const name = this.stores.users.byId(teacher)!.username;
      const own = listed.find((a) => a.username === name);
      if (own) throw refused([{ line: own.line, text: own.text, error: `"${name}" is the teacher of this list and so cannot be in it` }]);
    }
    const problems = listed.flatMap((a) => {
      const error = lineProblem(this.stores, this.config, a);
      return error === null ? [] : [{ line: a.line, text: a.text, error }];
    });
    const errors = [...problems, ...duplicateLines(listed).filter((d) => !problems.some((p) => p.line === d.line))].sort((a, b) => a.line - b.line);
    if (errors.length > 0) throw refused(errors);

    const passwords = listed.map((a) => ({ password: a.password ?? generatePassword(), generated: a.password === null }));
    const hashes = await hashAll(passwords.map((p) => ({ password: p.password, cost: p.generated ? GENERATED_HASH_COST : this.config.passwordHashCost })));
    const accounts = listed.map((a, i) => ({ username: a.username, passwordHash: hashes[i]!, isTeacher: input.is_teacher, teacherId: teacher, expiresAt }));
    try {
      await insertAccounts(this.stores, this.config, accounts);
    } catch (err) {
      // Taken while the passwords were hashed (another admin, a sign-up): still all or nothing.
      const a = err instanceof UsernameTakenError ? listed.find((x) => x.username === err.username) : undefined;
      if (a && err instanceof DomainError) throw refused([{ line: a.line, text: a.text, error: err.message }]);
      throw err;
    }
    this.log.info({ admin: actor.username, accounts: listed.length, is_teacher: !!input.is_teacher, teacher: input.teacher ?? null }, 'accounts created from a list');
    return listed.map((a, i) => ({ username: a.username, ...passwords[i]! }));
  }

  private parse(text: string): ListedAccount[] {
    const listed = parseAccountList(text);
    if (listed.length === 0) throw new ValidationError('the list has no accounts: one a line, "username" or "username,password"', 'text');
    if (listed.length > MAX_LIST_ACCOUNTS) {
      throw new ValidationError(`at most ${MAX_LIST_ACCOUNTS} accounts at once; this list has ${listed.length}: send it in parts`, 'text');
    }
    return listed;
  }
}
