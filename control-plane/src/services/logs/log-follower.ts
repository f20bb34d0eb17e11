import fsp, { type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLogFile } from './log-reader.js';

export interface FollowBatch {
  readonly lines: string[];
  /** Where the next unread byte is in the file now being followed (for resuming). */
  readonly offset: number;
}

export interface FollowOptions {
  /** Byte offset to start from; past the end (the file was rotated since) means the start. */
  readonly offset: number;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  /** A line longer than this is sent in pieces rather than held back without end. */
  readonly maxLineBytes?: number;
}

const READ_CHUNK = 256 * 1024;

/**
 * Follows a log file like `tail -F`: yields whole lines as they are written,
 * keeps going when the file is rotated (renamed away and recreated) or
 * truncated, and waits while it does not exist. Polls rather than using
 * inotify: it works the same on every filesystem and bind mount, and a
 * stat() twice a second per open viewer costs nothing.
 */
export async function* followLog(file: string, options: FollowOptions): AsyncGenerator<FollowBatch> {
  const pollMs = options.pollMs ?? 500;
  const maxLine = options.maxLineBytes ?? 1024 * 1024;
  const { signal } = options;
  let handle: FileHandle | null = null;
  let ino = -1;
  let position = options.offset;
  let decoder = new StringDecoder('utf8');
  let carry = '';

  const take = (text: string): string[] => {
    const parts = (carry + text).split('\n');
    carry = parts.pop()!;
    if (carry.length > maxLine) {
      parts.push(carry);
      carry = '';
    }
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  };

  try {
    while (!signal.aborted) {
      if (!handle) {
        handle = await openLogFile(file);
        if (handle) {
          const st = await handle.stat();
          ino = st.ino;
          if (st.size < position) position = 0;
        }
      }
      if (handle) {
        const { size } = await handle.stat();
        if (size < position) {
          // Truncated in place: what is there now is new.
          position = 0;
          carry = '';
          decoder = new StringDecoder('utf8');
        }
        while (position < size && !signal.aborted) {
          const buf = Buffer.alloc(Math.min(READ_CHUNK, size - position));
          const { bytesRead } = await handle.read(buf, 0, buf.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          const lines = take(decoder.write(buf.subarray(0, bytesRead)));
          if (lines.length > 0) yield { lines, offset: position - Buffer.byteLength(carry) };
        }
        // Rotated: the name now belongs to a new file (or none yet). The old
        // one was read to its end above; carry on with the new one from 0.
        const now = await fsp.lstat(file).catch(() => null);
        if (!now || now.ino !== ino) {
          await handle.close();
          handle = null;
          position = 0;
          if (carry !== '') {
            const rest = carry;
            carry = '';
            yield { lines: [rest], offset: 0 };
          }
          decoder = new StringDecoder('utf8');
          continue;
        }
      }
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await handle?.close();
  }
}
