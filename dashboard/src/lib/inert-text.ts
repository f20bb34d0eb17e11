// Log lines come from users' apps: any bytes at all. They are rendered as
// React text (never HTML), and these rules keep them from restyling the
// page or hiding text: control characters (terminal escape sequences start
// with one) and bidirectional overrides are shown as visible, marked-up
// notation, and very long lines are cut for display (the download has all).

/** Characters shown of one line; the rest is counted, not rendered. */
export const MAX_DISPLAY_CHARS = 2000;

// C0 controls except tab and newline, DEL, C1 controls (e.g. the one-byte CSI 0x9B), and
// bidi embeddings, overrides, isolates and marks ("Trojan Source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SPECIAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A control character, shown as notation (caret form as `cat -v` does, or a code point). */
export interface Control {
  readonly shown: string;
  readonly code: number;
}

export type Segment = string | Control;

function notation(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`; // ESC → ^[, BEL → ^G
  if (code === 0x7f) return '^?';
  if (code <= 0x9f) return `<${code.toString(16).toUpperCase()}>`;
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** Splits text into plain runs and control characters in notation; tabs stay tabs. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(SPECIAL)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ shown: notation(m[0]), code: m[0].charCodeAt(0) });
    last = m.index + 1;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The text as it reads on screen: ESC as ^[, and so on. */
export function inert(text: string): string {
  return segments(text)
    .map((s) => (typeof s === 'string' ? s : s.shown))
    .join('');
}

export interface DisplayLine {
  segments: Segment[];
  /** Characters not shown because the line is too long. */
  hidden: number;
}

export function displayLine(line: string): DisplayLine {
  if (line.length <= MAX_DISPLAY_CHARS) return { segments: segments(line), hidden: 0 };
  return { segments: segments(line.slice(0, MAX_DISPLAY_CHARS)), hidden: line.length - MAX_DISPLAY_CHARS };
}
