import crypto from 'node:crypto';

// Usernames unique per run and per test: lowercase letters and digits, as
// Pyhost requires, starting with a letter.
const RUN = crypto.randomBytes(2).toString('hex').replace(/^\d/, 'r');
let counter = 0;

export function uniqueUsername(prefix = 'e'): string {
  counter++;
  return `${prefix}${RUN}${counter}${crypto.randomBytes(2).toString('hex')}`.slice(0, 30);
}
