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
  const { signal } = options;
  const lines = new LineCutter(options.maxLineBytes ?? 1024 * 1024);
  let handle: FileHandle | null = null;
  let ino = -1;
  let position = options.offset;

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
          lines.reset();
        }
        while (position < size && !signal.aborted) {
          const buf = Buffer.alloc(Math.min(READ_CHUNK, size - position));
          const { bytesRead } = await handle.read(buf, 0, buf.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          const whole = lines.take(buf.subarray(0, bytesRead));
          if (whole.length > 0) yield { lines: whole, offset: position - lines.heldBytes };
        }
        // Rotated: the name now belongs to a new file (or none yet). The old
        // one was read to its end above; carry on with the new one from 0.
        const now = await fsp.lstat(file).catch(() => null);
        if (!now || now.ino !== ino) {
          await handle.close();
          handle = null;
          position = 0;
          const rest = lines.takeRest();
          if (rest !== '') yield { lines: [rest], offset: 0 };
          continue;
        }
      }
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await handle?.close();
  }
}

/** Cuts a file's bytes into lines; the last, unfinished one is held until the rest of it is read. */
class LineCutter {
  private decoder = new StringDecoder('utf8');
  /** The unfinished line. */
  private carry = '';

  /** `maxLine`: a line longer than this is sent in pieces rather than held back without end. */
  constructor(private readonly maxLine: number) {}

  /** The lines `bytes` ends (without their \n or \r\n). */
  take(bytes: Buffer): string[] {
    const parts = (this.carry + this.decoder.write(bytes)).split('\n');
    this.carry = parts.pop()!;
    if (this.carry.length > this.maxLine) {
      parts.push(this.carry);
      this.carry = '';
    }
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The bytes of the unfinished line held back. */
  get heldBytes(): number {
    return Buffer.byteLength(this.carry);
  }

  /** The file ended for good (rotated away): its unfinished line ('' when none), and a fresh start. */
  takeRest(): string {
    const rest = this.carry;
    this.reset();
    return rest;
  }

  /** Starts over (the file was truncated): nothing held back is kept. */
  reset(): void {
    this.carry = '';
    this.decoder = new StringDecoder('utf8');
  }
}
