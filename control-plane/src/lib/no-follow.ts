import fs from 'node:fs';
import net from 'node:net';
import { O_PATH, fdPath } from './proc-fd.js';

// Sockets and files that a user's own processes create, opened by a
// platform process (the api as root, the router as the ingress uid). The
// folder they sit in is a trusted path, but its last component is the
// user's: it may be a symlink to /var/run/docker.sock, a FIFO that blocks
// forever, another user's socket. So nothing here follows a link: the entry
// itself is opened (O_PATH | O_NOFOLLOW), its type and owner are checked on
// that open descriptor, and the connection or read goes through the
// descriptor (/proc/self/fd/N) — there is no moment at which a swapped-in
// link could be resolved instead.

/** The entry is there but is not the user's own socket or file: never a reason to retry. */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
  readonly code = 'EUNSAFE';
  constructor(
    readonly file: string,
    /** What is wrong, without the path: "is a symbolic link, not a socket". */
    readonly reason: string,
  ) {
    super(`${file} ${reason}`);
  }
}

export function isUnsafePath(err: unknown): err is UnsafePathError {
  return err instanceof UnsafePathError;
}

const NOFOLLOW_ENTRY = O_PATH | fs.constants.O_NOFOLLOW;

function describe(st: fs.Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

/**
 * Opens the socket entry at `socketPath` without following it and checks
 * that it is a socket owned by `owner`. Returns the O_PATH descriptor (the
 * caller closes it); throws ENOENT-style errors when there is nothing there
 * and UnsafePathError when something else is.
 */
export function openOwnedSocket(socketPath: string, owner: number): number {
  const fd = fs.openSync(socketPath, NOFOLLOW_ENTRY);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isSocket()) throw new UnsafePathError(socketPath, `is ${describe(st)}, not a socket`);
    if (st.uid !== owner) throw new UnsafePathError(socketPath, `belongs to uid ${st.uid}, not to the app's uid ${owner}`);
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

export interface ConnectOptions {
  /** net's `onread` (a shared read buffer). */
  onread?: net.OnReadOpts;
}

/**
 * Connects to the user's socket at `socketPath` after the checks of
 * openOwnedSocket, through the checked descriptor. Throws synchronously
 * when the entry is missing or unsafe; connection errors arrive as events.
 */
export function connectOwnedSocket(socketPath: string, owner: number, options: ConnectOptions = {}): net.Socket {
  const fd = openOwnedSocket(socketPath, owner);
  let open = true;
  const release = (): void => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  let sock: net.Socket;
  try {
    sock = net.createConnection({ path: fdPath(fd), ...(options.onread ? { onread: options.onread } : {}) });
  } catch (err) {
    release();
    throw err;
  }
  // The path is resolved when connect(2) runs; the descriptor is kept until then.
  sock.once('connect', release);
  sock.once('close', release);
  return sock;
}

/**
 * Opens a regular file the user owns for reading, without following a link
 * and without blocking on a FIFO. Null when nothing is there.
 */
export function openOwnedFile(file: string, owners: readonly number[], flags = fs.constants.O_RDONLY): number | null {
  let fd: number;
  try {
    fd = fs.openSync(file, flags | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // ELOOP: the name is a symlink; ENXIO: a socket.
    if (code === 'ELOOP' || code === 'ENXIO') throw new UnsafePathError(file, 'is not a regular file');
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnsafePathError(file, `is ${describe(st)}, not a regular file`);
    if (st.nlink > 1) throw new UnsafePathError(file, 'has other names (hard links)');
    if (!owners.includes(st.uid)) throw new UnsafePathError(file, `belongs to uid ${st.uid}`);
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** The contents of a small file the user owns; null when it is missing, unsafe or larger than `maxBytes`. */
export function readOwnedFile(file: string, owner: number, maxBytes: number): string | null {
  let fd: number | null;
  try {
    fd = openOwnedFile(file, [owner]);
  } catch {
    return null;
  }
  if (fd === null) return null;
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return n > maxBytes ? null : buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Appends one line to a log file that already exists and belongs to one of
 * `owners` (never creates one: a file created here would not be the
 * user's). False when it could not be written.
 */
export function appendOwnedLine(file: string, owners: readonly number[], line: string): boolean {
  let fd: number | null;
  try {
    fd = openOwnedFile(file, owners, fs.constants.O_WRONLY | fs.constants.O_APPEND);
  } catch {
    return false;
  }
  if (fd === null) return false;
  try {
    fs.writeSync(fd, line);
    return true;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
