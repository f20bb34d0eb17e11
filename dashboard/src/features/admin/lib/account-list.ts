// How many accounts a pasted list asks for, counted as the server reads it
// (control-plane domain/account-list.ts): blank lines, `#` comments and a
// first line `username,password` (a spreadsheet's header) are not accounts.

const HEADER = /^"?username"?\s*([,;\t]\s*"?password"?\s*)?$/i;

export function countAccounts(text: string): number {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  return lines.length > 0 && HEADER.test(lines[0]!) ? lines.length - 1 : lines.length;
}
