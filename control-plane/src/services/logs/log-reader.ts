import { constants } from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { splitLines } from '../../domain/log-files.js';

// Reading log files that a user's own processes write. The api runs as root
// and the log folder is the user's, so every open refuses symlinks (a link
// named like a log must not show /etc/shadow) and never blocks on a FIFO.

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CHUNK = 64 * 1024;
/** A planted .gz that inflates without end stops here (rotated logs are a few MiB). */
const MAX_INFLATED_BYTES = 128 * 1024 * 1024;

export interface Tail {
  readonly lines: string[];
  /** The file has earlier lines than these. */
  readonly truncated: boolean;
}

/** Opens a regular file without following a symlink; null when there is none to read. */
export async function openLogFile(file: string): Promise<FileHandle | null> {
  let handle: FileHandle;
  try {
    handle = await fsp.open(file, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ELOOP: the name is a symlink; ENXIO: a socket.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENXIO') return null;
    throw err;
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    return null;
  }
  return handle;
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * The last `maxLines` lines of an open plain file, reading backwards no more
 * than `maxBytes`, so a huge log costs no more than its tail. `end` is where
 * the file ends for this read (its size when the caller looked).
 */
export async function tailPlain(handle: FileHandle, end: number, maxLines: number, maxBytes: number): Promise<Tail> {
  let pos = end;
  let newlines = 0;
  const chunks: Buffer[] = [];
  // One more newline than lines wanted: the line before them must end first.
  while (pos > 0 && newlines <= maxLines && end - pos < maxBytes) {
    const len = Math.min(CHUNK, pos, maxBytes - (end - pos));
    const buf = Buffer.alloc(len);
    const { bytesRead } = await handle.read(buf, 0, len, pos - len);
    pos -= len;
    const got = buf.subarray(0, bytesRead);
    chunks.unshift(got);
    newlines += countNewlines(got);
  }
  const data = Buffer.concat(chunks);
  let lines = splitLines(data.toString('utf8'));
  // Reading stopped inside a line: that first piece is not a whole line,
  // unless it is all there is (a single line longer than maxBytes).
  if (pos > 0 && data[0] !== 10 && lines.length > 1) lines = lines.slice(1);
  const truncated = pos > 0 || lines.length > maxLines;
  return { lines: lines.slice(-maxLines), truncated };
}

/** The last lines of a gzipped rotated log, inflating it as a stream with bounded memory. */
export async function tailGzip(handle: FileHandle, maxLines: number, maxBytes: number): Promise<Tail> {
  const kept: string[] = [];
  let keptBytes = 0;
  let dropped = false;
  let carry = '';
  let inflated = 0;
  const keep = (line: string) => {
    kept.push(line);
    keptBytes += line.length;
    while (kept.length > maxLines || (keptBytes > maxBytes && kept.length > 1)) {
      keptBytes -= kept.shift()!.length;
      dropped = true;
    }
  };
  // The decoder keeps a character split between two chunks whole.
  const decoder = new StringDecoder('utf8');
  const gunzip = handle.createReadStream({ autoClose: false }).pipe(zlib.createGunzip());
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    inflated += chunk.length;
    const parts = (carry + decoder.write(chunk)).split('\n');
    carry = parts.pop()!;
    for (const line of parts) keep(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (carry.length > maxBytes) {
      keep(carry);
      carry = '';
    }
    if (inflated > MAX_INFLATED_BYTES) {
      gunzip.destroy();
      return { lines: kept, truncated: true };
    }
  }
  carry += decoder.end();
  if (carry !== '') keep(carry);
  return { lines: kept, truncated: dropped };
}
