// A console's recent output, kept by the control plane so that a browser that
// reconnects (or a script calling get_latest_output) sees what happened while
// nobody watched. Bounded: the oldest bytes go first.

export class Scrollback {
  private chunks: Buffer[] = [];
  private size = 0;
  /** True once something was dropped: the start of the kept bytes may be mid-line. */
  private truncated = false;

  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new Error('scrollback size must be a positive integer');
  }

  get byteLength(): number {
    return this.size;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.maxBytes) {
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.maxBytes))];
      this.size = this.maxBytes;
      this.truncated = true;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes) {
      const first = this.chunks[0]!;
      const excess = this.size - this.maxBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
      this.truncated = true;
    }
  }

  /**
   * Everything kept. After truncation it starts at the first line break, so
   * a replay never begins with half an escape sequence or half a character.
   */
  contents(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    if (!this.truncated) return all;
    const nl = all.indexOf(0x0a);
    return nl >= 0 ? all.subarray(nl + 1) : all;
  }
}

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;

/**
 * Terminal output as plain text, for the API's get_latest_output: escape
 * sequences removed, CRLF as LF, and a line rewritten with CR (progress bars)
 * reduced to its last version.
 */
export function plainText(raw: string): string {
  return raw
    .replace(ESCAPES, '')
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1))
    .join('\n')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ''); // eslint-disable-line no-control-regex
}
