import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;

export interface BackwardsRead {
  readonly bytesRead: number;
  /** Reading stopped at the byte bound before the start of the file or the caller's stop. */
  readonly cutShort: boolean;
}

/**
 * Hands the complete lines of an open file to `onLine`, newest first,
 * reading backwards from `end` in chunks, until `onLine` answers false, the
 * file's start, or `maxBytes` read: a big log costs only the tail the caller
 * wants. A line torn by the writer at the very end is skipped (it has no
 * newline yet).
 */
export async function linesBackwards(handle: FileHandle, end: number, maxBytes: number, onLine: (line: string) => boolean): Promise<BackwardsRead> {
  let pos = end;
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  while (pos > 0 && end - pos < maxBytes) {
    const len = Math.min(CHUNK, pos, maxBytes - (end - pos));
    const buf = Buffer.alloc(len + carry.length);
    const { bytesRead } = await handle.read(buf, 0, len, pos - len);
    if (bytesRead < len) break; // the file shrank (rotated under us): what was read is all there is
    carry.copy(buf, len);
    pos -= len;
    let stop = buf.length;
    if (first) {
      // Everything after the last newline is a line still being written.
      stop = buf.lastIndexOf(10) + 1;
      first = false;
    }
    let nl = buf.lastIndexOf(10, stop - 2);
    while (nl !== -1) {
      const line = buf.toString('utf8', nl + 1, stop > nl + 1 && buf[stop - 1] === 10 ? stop - 1 : stop);
      if (!onLine(line)) return { bytesRead: end - pos, cutShort: false };
      stop = nl + 1;
      nl = stop >= 2 ? buf.lastIndexOf(10, stop - 2) : -1;
    }
    carry = buf.subarray(0, stop);
  }
  if (pos === 0 && carry.length > 0) {
    const text = carry.toString('utf8', 0, carry[carry.length - 1] === 10 ? carry.length - 1 : carry.length);
    if (text !== '') onLine(text);
    return { bytesRead: end, cutShort: false };
  }
  return { bytesRead: end - pos, cutShort: pos > 0 };
}
