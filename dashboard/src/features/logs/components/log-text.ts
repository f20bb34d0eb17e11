// Log lines come from users' apps: any bytes at all. They are rendered as
// React text (never HTML), and these rules keep them from restyling the
// page or hiding text: control characters, terminal escape sequences and
// bidirectional overrides are shown as visible symbols, and very long lines
// are cut for display (the download has everything).

/** Characters shown of one line; the rest is counted, not rendered. */
export const MAX_DISPLAY_CHARS = 2000;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const C0_AND_DEL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
// C1 controls, e.g. the one-byte CSI (0x9B).
const C1 = /[\u0080-\u009f]/g;
// Bidi embeddings, overrides, isolates and marks ("Trojan Source").
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const hex = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');

/** Makes control and formatting characters visible and harmless: ESC becomes ␛, and so on. */
export function inert(text: string): string {
  return text
    .replace(C0_AND_DEL, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))))
    .replace(C1, (c) => `<${hex(c)}>`)
    .replace(BIDI, (c) => `<U+${hex(c).padStart(4, '0')}>`);
}

export interface DisplayLine {
  text: string;
  /** Characters not shown because the line is too long. */
  hidden: number;
}

export function displayLine(line: string): DisplayLine {
  if (line.length <= MAX_DISPLAY_CHARS) return { text: inert(line), hidden: 0 };
  return { text: inert(line.slice(0, MAX_DISPLAY_CHARS)), hidden: line.length - MAX_DISPLAY_CHARS };
}
