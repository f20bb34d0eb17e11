import crypto from 'node:crypto';
import os from 'node:os';
import { hashPassword } from '../../lib/secrets.js';

// Passwords Pyhost makes up for accounts an admin creates or resets: read
// off a printed sheet and typed by a learner, so only lowercase letters and
// digits that cannot be mistaken for one another (no 0/o, 1/l/i), in three
// groups of five.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 3;
const GROUP_LENGTH = 5;

/** log2(31) * 15 ≈ 74 bits, each character from crypto.randomInt. */
export const GENERATED_PASSWORD_BITS = Math.floor(Math.log2(ALPHABET.length) * GROUPS * GROUP_LENGTH);

export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[crypto.randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * scrypt's cost (log2 N) for the hash of a generated password. A slow hash
 * protects passwords people choose, which an attacker with a copy of the
 * database guesses from lists of likely ones; a generated password has
 * 74 random bits, so guessing it means about 2^73 tries whatever each one
 * costs. At N = 2^12 (4 MiB, about 20 ms on one core) that is far beyond
 * any attacker, and a class of 500 is hashed in seconds instead of the
 * minutes that 2^17 takes (bench/bulk-accounts.ts). Passwords a person
 * typed keep the configured cost (PYHOST_PASSWORD_HASH_COST).
 */
export const GENERATED_HASH_COST = 12;

/**
 * Hashes many passwords at once. node's scrypt runs on libuv's thread pool
 * (4 threads unless UV_THREADPOOL_SIZE says otherwise) and each hash takes
 * a whole core: at most one hash per core and at most 3 at a time, so one
 * pool thread stays free for the file work of every other request.
 */
export async function hashAll(items: readonly { password: string; cost: number }[]): Promise<string[]> {
  const hashes = new Array<string>(items.length);
  const lanes = Math.max(1, Math.min(os.availableParallelism(), 3, items.length));
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) {
        const i = next++;
        hashes[i] = await hashPassword(items[i]!.password, items[i]!.cost);
      }
    }),
  );
  return hashes;
}
