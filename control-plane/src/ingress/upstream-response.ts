// A strict, incremental parser for the HTTP/1.1 responses apps send back on
// app.sock. The router re-frames every response for its client (Node's
// ServerResponse picks Content-Length or chunked), so an app can never put
// bytes on a client's keep-alive connection beyond its own response: what
// an app sends after its message ends is dropped, and a malformed response
// becomes a 502. Body bytes are handed on as views into the input, not copied.
// Cookies an app may not set (cookie-domains.ts) are left out of the head.

export type Framing = 'none' | 'length' | 'chunked' | 'close';

export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  /** Flat [name, value, …] as received, hop-by-hop headers removed. */
  readonly headers: string[];
  readonly framing: Framing;
  /** HTTP/1.1 without `Connection: close`: the app keeps the connection after this response. */
  readonly persistent: boolean;
}

export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  onMessageEnd(): void;
}

/** Decides which of an app's Set-Cookie headers reach the client (cookie-domains.ts); the others are left out of the head. */
export interface CookieScreen {
  keepsCookie(setCookie: string): boolean;
}

export class MalformedResponse extends Error {}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\0]*))?$/;
const CLOSE_TOKEN = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding']);

const enum State { Head, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailer, UntilClose, Done }

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | null = null;
  private remaining = 0;
  private line = '';
  private trailerBytes = 0;
  private persistent = false;
  private framing: Framing = 'none';
  /** Bytes came after the end of the message. */
  private overrun = false;

  /** `bodyless`: the request was HEAD, so no body follows whatever the headers say. */
  constructor(
    private readonly sink: ResponseSink,
    private readonly bodyless: boolean,
    private readonly cookies: CookieScreen | null = null,
  ) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  get headReceived(): boolean {
    return this.state !== State.Head;
  }

  /**
   * The message ended where its framing says, on a connection the app
   * keeps, and nothing followed it: the connection can carry another
   * request. Responses without a body by rule (HEAD, 204, 304) do not
   * count: a server that sends a body anyway would desync the next one.
   */
  get reusable(): boolean {
    return this.state === State.Done && this.persistent && !this.overrun && (this.framing === 'length' || this.framing === 'chunked');
  }

  /** Throws MalformedResponse; after that, or once done, further input is ignored. */
  feed(chunk: Buffer): void {
    let data = chunk;
    const wasDone = this.state === State.Done;
    while (data.length > 0 && this.state !== State.Done) data = this.step(data);
    if (data.length > 0) this.overrun = true;
    // The end is told once the whole read is looked at, so that `reusable` is already known then.
    if (!wasDone && this.state === State.Done) this.sink.onMessageEnd();
  }

  /** The app closed its side: ends a body that runs until close, or reports a cut-off message. */
  finish(): void {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.sink.onMessageEnd();
    } else if (this.state !== State.Done) {
      throw new MalformedResponse(this.state === State.Head ? 'the app closed the connection without answering' : 'the app closed the connection in the middle of its response');
    }
  }

  private step(data: Buffer): Buffer {
    switch (this.state) {
      case State.Head:
        return this.head(data);
      case State.Length: {
        const n = Math.min(this.remaining, data.length);
        this.remaining -= n;
        this.sink.onBody(n === data.length ? data : data.subarray(0, n));
        if (this.remaining === 0) this.end();
        return data.subarray(n);
      }
      case State.UntilClose:
        this.sink.onBody(data);
        return data.subarray(data.length);
      case State.ChunkSize:
        return this.chunkSize(data);
      case State.ChunkData: {
        const n = Math.min(this.remaining, data.length);
        this.remaining -= n;
        this.sink.onBody(n === data.length ? data : data.subarray(0, n));
        if (this.remaining === 0) this.state = State.ChunkDataEnd;
        return data.subarray(n);
      }
      case State.ChunkDataEnd:
        return this.chunkDataEnd(data);
      case State.Trailer:
        return this.trailer(data);
      default:
        return data.subarray(data.length);
    }
  }

  private head(data: Buffer): Buffer {
    const buf = this.pending ? Buffer.concat([this.pending, data]) : data;
    const from = this.pending ? Math.max(0, this.pending.length - 3) : 0;
    const end = buf.indexOf(CRLF2, from);
    if (end < 0) {
      if (buf.length > MAX_HEAD_BYTES) throw new MalformedResponse('the response headers are too large');
      this.pending = buf === data ? Buffer.from(data) : buf; // own copy: the caller may reuse its buffer
      return data.subarray(data.length);
    }
    if (end > MAX_HEAD_BYTES) throw new MalformedResponse('the response headers are too large');
    this.pending = null;
    const head = parseHead(buf.toString('latin1', 0, end), this.bodyless, this.cookies);
    const rest = buf.subarray(end + 4);
    // 1xx interim responses (103 Early Hints, a stray 100) are not forwarded: the final one follows.
    if (head.status < 200) {
      if (head.status === 101) throw new MalformedResponse('the app switched protocols on a plain request');
      return rest;
    }
    this.persistent = head.persistent;
    this.framing = head.framing;
    this.sink.onHead(head);
    if (head.framing === 'none') this.end();
    else if (head.framing === 'close') this.state = State.UntilClose;
    else if (head.framing === 'chunked') this.state = State.ChunkSize;
    else {
      this.remaining = contentLength(head.headers);
      if (this.remaining === 0) this.end();
      else this.state = State.Length;
    }
    return rest;
  }

  private chunkSize(data: Buffer): Buffer {
    const nl = data.indexOf(10);
    const take = nl < 0 ? data.length : nl + 1;
    this.line += data.toString('latin1', 0, take);
    if (this.line.length > MAX_CHUNK_LINE) throw new MalformedResponse('a chunk-size line is too long');
    if (nl < 0) return data.subarray(data.length);
    const line = this.line;
    this.line = '';
    if (!line.endsWith('\r\n')) throw new MalformedResponse('a chunk-size line does not end in CRLF');
    const semi = line.indexOf(';');
    const hex = (semi < 0 ? line.slice(0, -2) : line.slice(0, semi)).replace(/[ \t]+$/, '');
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex) || /[\0\r]/.test(line.slice(0, -2))) throw new MalformedResponse('a chunk size is malformed');
    this.remaining = parseInt(hex, 16);
    this.state = this.remaining === 0 ? State.Trailer : State.ChunkData;
    return data.subarray(take);
  }

  private chunkDataEnd(data: Buffer): Buffer {
    // The CRLF after a chunk's data, possibly split across reads.
    const need = 2 - this.line.length;
    this.line += data.toString('latin1', 0, Math.min(need, data.length));
    if (this.line.length < 2) return data.subarray(data.length);
    if (this.line !== '\r\n') throw new MalformedResponse('chunk data is not followed by CRLF');
    this.line = '';
    this.state = State.ChunkSize;
    return data.subarray(need);
  }

  private trailer(data: Buffer): Buffer {
    // Trailer fields are read and dropped; the message ends at the empty line.
    const nl = data.indexOf(10);
    const take = nl < 0 ? data.length : nl + 1;
    this.line += data.toString('latin1', 0, take);
    this.trailerBytes += take;
    if (this.trailerBytes > MAX_TRAILER_BYTES) throw new MalformedResponse('the trailer is too large');
    if (nl < 0) return data.subarray(data.length);
    const line = this.line;
    this.line = '';
    if (!line.endsWith('\r\n')) throw new MalformedResponse('a trailer line does not end in CRLF');
    if (line === '\r\n') this.end();
    return data.subarray(take);
  }

  private end(): void {
    this.state = State.Done;
  }
}

function parseHead(text: string, bodyless: boolean, cookies: CookieScreen | null): ResponseHead {
  const lines = text.split('\r\n');
  const m = STATUS_LINE.exec(lines[0]!);
  if (!m || /[\r\n]/.test(lines[0]!)) throw new MalformedResponse('the status line is malformed');
  const status = Number(m[2]);
  const headers: string[] = [];
  let connection = '';
  let length: string | null = null;
  let transferEncoding: string | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) throw new MalformedResponse('folded header lines are not allowed');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new MalformedResponse('a header name is malformed');
    const value = line.slice(colon + 1).replace(OWS_EDGES, '');
    if (/[\0\r\n]/.test(value)) throw new MalformedResponse(`the ${name} header holds a control character`);
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!/^\d{1,15}$/.test(value) || (length !== null && length !== value)) throw new MalformedResponse('Content-Length is malformed or repeated');
      if (length !== null) continue;
      length = value;
    } else if (lower === 'transfer-encoding') {
      transferEncoding = transferEncoding === null ? value : `${transferEncoding}, ${value}`;
      continue;
    } else if (lower === 'connection') {
      connection += `,${value}`;
      continue;
    } else if (HOP_BY_HOP.has(lower)) {
      continue;
    } else if (cookies !== null && lower === 'set-cookie' && !cookies.keepsCookie(value)) {
      continue;
    }
    headers.push(name, value);
  }
  let framing: Framing;
  if (bodyless || status < 200 || status === 204 || status === 304) framing = 'none';
  else if (transferEncoding !== null) {
    // Anything but plain chunked (gzip, chunked; or chunked beside Content-Length) is how smuggling starts.
    if (transferEncoding.toLowerCase() !== 'chunked' || length !== null) throw new MalformedResponse('unsupported Transfer-Encoding');
    framing = 'chunked';
  } else framing = length !== null ? 'length' : 'close';
  return { status, reason: m[3] ?? '', headers, framing, persistent: m[1] === '1' && !CLOSE_TOKEN.test(connection) };
}

function contentLength(headers: readonly string[]): number {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.length === 14 && headers[i]!.toLowerCase() === 'content-length') return Number(headers[i + 1]);
  }
  return 0;
}
