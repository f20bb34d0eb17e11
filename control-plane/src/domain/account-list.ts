// The list an admin pastes to create many accounts at once: one account a
// line, `username` or `username,password`, as typed or exported from a
// spreadsheet. Pure: what each line asks for, or what is wrong with it.

/**
 * At most this many accounts in one list: a school year, not a whole
 * district, and hashed in seconds (bench/bulk-accounts.ts). Larger ones
 * are sent in parts.
 */
export const MAX_LIST_ACCOUNTS = 500;

export interface ListedAccount {
  /** 1-based line number in the pasted text. */
  readonly line: number;
  /** The line as pasted (trimmed), for error reports and the printed sheet. */
  readonly text: string;
  readonly username: string;
  /** Null: generate one. */
  readonly password: string | null;
}

export interface LineError {
  readonly line: number;
  readonly text: string;
  readonly error: string;
}

// A spreadsheet saved as CSV uses commas; some locales use semicolons, and
// a copied column pair arrives separated by a tab. Usernames never contain
// any of them, so the first one ends the username and the rest (commas
// included) is the password.
const SEPARATOR = /[,;\t]/;
const HEADER = /^"?username"?\s*([,;\t]\s*"?password"?\s*)?$/i;

/** `"x"` as a spreadsheet quotes a cell; `""` inside is one quote. */
function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/**
 * Splits the pasted text into the accounts it asks for. Blank lines, lines
 * starting with `#`, and a first line `username,password` (a spreadsheet's
 * header) are skipped; CRLF and spaces around cells are fine. A line with a
 * separator but nothing after it asks for a generated password.
 */
export function parseAccountList(text: string): ListedAccount[] {
  const out: ListedAccount[] = [];
  let sawContent = false;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const first = !sawContent;
    sawContent = true;
    if (first && HEADER.test(trimmed)) return;
    const cut = trimmed.search(SEPARATOR);
    const username = unquote(cut === -1 ? trimmed : trimmed.slice(0, cut));
    const password = cut === -1 ? '' : unquote(trimmed.slice(cut + 1));
    out.push({ line: i + 1, text: trimmed, username, password: password === '' ? null : password });
  });
  return out;
}

/** Lines naming a username that an earlier line of the same list already named. */
export function duplicateLines(accounts: readonly ListedAccount[]): LineError[] {
  const firstLine = new Map<string, number>();
  const errors: LineError[] = [];
  for (const a of accounts) {
    const earlier = firstLine.get(a.username);
    if (earlier === undefined) firstLine.set(a.username, a.line);
    else errors.push({ line: a.line, text: a.text, error: `"${a.username}" is already on line ${earlier} of this list` });
  }
  return errors;
}
