import crypto from 'node:crypto';
import { RateLimitedError } from '../../domain/errors.js';

const MINUTE = 60 * 1000;
const DEVICE_COOKIE_DAYS = 180;

export interface LoginLimits {
  readonly windowMs: number;
  /** Failures for one username from one address: a guesser there waits, nobody else does. */
  readonly perPair: number;
  /**
   * Failures from one address over all usernames: high enough for a class
   * behind one NAT address, low enough that one address cannot try a password
   * on every account.
   */
  readonly perAddress: number;
  /**
   * Addresses that may fail for one username before browsers without its
   * device cookie wait: guessing spread over many addresses. An address counts
   * once however often it failed (the pair limit already slows it), so one
   * guesser cannot lock the username for everyone.
   */
  readonly addressesPerUsername: number;
  /** Failures with one device cookie: its holder still has to know the password. */
  readonly perDevice: number;
  /** Keys each counter remembers at most, forgetting the least recently failed first. */
  readonly maxKeys: number;
}

export const LOGIN_LIMITS: LoginLimits = Object.freeze({
  windowMs: 15 * MINUTE,
  perPair: 5,
  perAddress: 100,
  addressesPerUsername: 5,
  perDevice: 5,
  // Each failure costs an scrypt hash (about 0.3 s of a core), so a window
  // holds a few thousand failures at most: 10,000 keys is never the limit that
  // lets a guesser through, only what keeps a long run of invented usernames
  // and addresses from growing the maps.
  maxKeys: 10_000,
});

export interface LoginAttempt {
  readonly username: string;
  readonly address: string;
  /** The id of a valid device cookie for this username (DeviceCookies.deviceOf), when the browser sent one. */
  readonly device?: string | undefined;
}

/** An attempt the throttle let through; it counts as a failure until `succeeded()`. */
export interface PendingLogin {
  succeeded(): void;
}

interface Failure {
  readonly at: number;
  readonly source: string;
}

/**
 * Recent failures per key in a sliding window. Keeps only the newest `limit`
 * per key (older ones cannot change the answer) and at most `maxKeys` keys.
 * With `onePerSource`, each source (address) counts once per key.
 */
class FailureLog {
  private readonly byKey = new Map<string, Failure[]>();

  constructor(
    private readonly limit: number,
    private readonly limits: LoginLimits,
    private readonly now: () => number,
    private readonly onePerSource = false,
  ) {}

  /** Milliseconds until `key` may try again: 0 while it has failures to spare. */
  waitMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.limit) return 0;
    return list[list.length - this.limit]!.at + this.limits.windowMs - this.now();
  }

  add(key: string, failure: Failure): void {
    const list = this.recent(key).filter((f) => !this.onePerSource || f.source !== failure.source);
    list.push(failure);
    // Re-inserted, so the map's order is least recently failed first: that key goes when it is full.
    this.byKey.delete(key);
    this.byKey.set(key, list.slice(-this.limit));
    if (this.byKey.size > this.limits.maxKeys) this.byKey.delete(this.byKey.keys().next().value!);
  }

  remove(key: string, failure: Failure): void {
    const list = this.byKey.get(key) ?? [];
    const i = list.indexOf(failure);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byKey.delete(key);
  }

  clear(key: string): void {
    this.byKey.delete(key);
  }

  private recent(key: string): Failure[] {
    const cutoff = this.now() - this.limits.windowMs;
    const list = (this.byKey.get(key) ?? []).filter((f) => f.at > cutoff);
    if (list.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, list);
    return list;
  }
}

/**
 * Slows password guessing without locking out the rightful user (OWASP's
 * Authentication Cheat Sheet, "device cookies"). A browser without a device
 * cookie for the username is limited per username-and-address, per address,
 * and by how many addresses failed for the username; one with a valid device
 * cookie only by the failures made with that cookie, so guessers elsewhere,
 * even behind the same NAT address, cannot keep it out. Kept in memory: the
 * api is one process, and a restart forgetting the counts is acceptable.
 */
export class LoginThrottle {
  private readonly pairs: FailureLog;
  private readonly addresses: FailureLog;
  private readonly usernames: FailureLog;
  private readonly devices: FailureLog;

  constructor(
    private readonly now: () => number = Date.now,
    limits: LoginLimits = LOGIN_LIMITS,
  ) {
    this.pairs = new FailureLog(limits.perPair, limits, now);
    this.addresses = new FailureLog(limits.perAddress, limits, now);
    this.usernames = new FailureLog(limits.addressesPerUsername, limits, now, true);
    this.devices = new FailureLog(limits.perDevice, limits, now);
  }

  /**
   * Throws RateLimitedError, or lets the attempt through and counts it as a
   * failure at once: many attempts in flight together cannot all slip past
   * the check before any of them fails.
   */
  begin({ username, address, device }: LoginAttempt): PendingLogin {
    const failure: Failure = { at: this.now(), source: address };
    if (device !== undefined) {
      refuseFor(this.devices.waitMs(device));
      this.devices.add(device, failure);
      return { succeeded: () => this.devices.clear(device) };
    }
    // An address has no spaces, so this key cannot be confused with another pair's.
    const pair = `${address} ${username}`;
    refuseFor(Math.max(this.pairs.waitMs(pair), this.addresses.waitMs(address), this.usernames.waitMs(username)));
    this.pairs.add(pair, failure);
    this.addresses.add(address, failure);
    this.usernames.add(username, failure);
    return {
      succeeded: () => {
        this.pairs.clear(pair);
        this.usernames.clear(username);
        // Only this attempt: one's own login must not reset an address's count of sprayed guesses.
        this.addresses.remove(address, failure);
      },
    };
  }
}

function refuseFor(waitMs: number): void {
  if (waitMs > 0) {
    throw new RateLimitedError('Too many failed logins. Wait before trying again.', Math.ceil(waitMs / 1000));
  }
}

export interface DeviceCookie {
  readonly value: string;
  readonly expiresAt: Date;
}

/**
 * "This browser has logged in as <username>": `expires.nonce.mac`, signed
 * with HMAC-SHA256 and this instance's secret. The nonce is the device's id
 * for the throttle; the username is signed but not written in the cookie.
 */
export class DeviceCookies {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(username: string): DeviceCookie {
    const expiresAt = new Date(this.now() + DEVICE_COOKIE_DAYS * 24 * 60 * MINUTE);
    const expires = String(Math.floor(expiresAt.getTime() / 1000));
    const nonce = crypto.randomBytes(16).toString('base64url');
    return { value: `${expires}.${nonce}.${this.mac(username, expires, nonce)}`, expiresAt };
  }

  /** The device id of an unexpired cookie this instance issued for `username`; undefined for anything else. */
  deviceOf(value: string | undefined, username: string): string | undefined {
    const [expires, nonce, mac, ...rest] = (value ?? '').split('.');
    if (!expires || !nonce || !mac || rest.length > 0) return undefined;
    if (!(Number(expires) * 1000 > this.now())) return undefined;
    const expected = Buffer.from(this.mac(username, expires, nonce), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? nonce : undefined;
  }

  private mac(username: string, expires: string, nonce: string): string {
    return crypto.createHmac('sha256', this.secret).update(`${username}.${expires}.${nonce}`).digest('base64url');
  }
}
