import crypto from 'node:crypto';
import { verifyPassword } from '../lib/secrets.js';

// HTTP Basic auth for password-protected web apps. Checking a password costs
// ~100 ms of CPU and 128 MiB (scrypt at OWASP cost), so a correct
// Authorization header is remembered (by a SHA-256 of it and the stored
// hash: no password is kept) and only the first request pays; identical
// checks in flight are shared; and at most a few run at once, so wrong
// guesses cannot eat the machine.

export type AuthResult = 'ok' | 'denied' | 'busy';

export interface Credentials {
  readonly username: string;
  readonly hash: string;
}

export interface BasicAuthOptions {
  verify?: (password: string, hash: string) => Promise<boolean>;
  /** Password checks running at once. */
  maxConcurrent?: number;
  /** Checks waiting for a slot; beyond this the answer is 503. */
  maxWaiting?: number;
  /** How long a correct header stays remembered. */
  ttlMs?: number;
  maxRemembered?: number;
}

export class BasicAuth {
  private readonly verify: (password: string, hash: string) => Promise<boolean>;
  private readonly remembered = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly maxConcurrent: number;
  private readonly maxWaiting: number;
  private readonly ttlMs: number;
  private readonly maxRemembered: number;

  constructor(options: BasicAuthOptions = {}) {
    this.verify = options.verify ?? verifyPassword;
    this.maxConcurrent = options.maxConcurrent ?? 2;
    this.maxWaiting = options.maxWaiting ?? 64;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxRemembered = options.maxRemembered ?? 10_000;
  }

  /** The username when the header carries it, for the access log (checked or not). */
  static username(header: string | undefined): string | undefined {
    const decoded = decode(header);
    return decoded ? decoded.username : undefined;
  }

  async check(credentials: Credentials | null, header: string | undefined): Promise<AuthResult> {
    if (credentials === null) return 'denied'; // protection on, but no password set: nobody gets in
    const decoded = decode(header);
    if (!decoded || decoded.username !== credentials.username) return 'denied';
    const key = crypto.createHash('sha256').update(header!).update('\n').update(credentials.hash).digest('base64');
    const until = this.remembered.get(key);
    if (until !== undefined && until > Date.now()) return 'ok';
    let pending = this.inFlight.get(key);
    if (!pending) {
      if (this.running >= this.maxConcurrent && this.waiting.length >= this.maxWaiting) return 'busy';
      pending = this.limited(() => this.verify(decoded.password, credentials.hash).catch(() => false));
      this.inFlight.set(key, pending);
      void pending.finally(() => this.inFlight.delete(key));
    }
    if (!(await pending)) return 'denied';
    if (this.remembered.size >= this.maxRemembered) this.remembered.clear();
    this.remembered.set(key, Date.now() + this.ttlMs);
    return 'ok';
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

function decode(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined || header.length > 4096) return null;
  const m = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
