import type { IncomingMessage } from 'node:http';

/** Chunked request bodies are collected (uWSGI cannot read chunked input) up to this size. */
const MAX_CHUNKED_BODY = 16 * 1024 * 1024;

/** Told how collecting a request's chunked body went (proxy.ts's exchange). */
export interface ChunkedBodyUser {
  /** The body arrived whole, in these chunks. */
  bodyCollected(chunks: Buffer[]): void;
  /** The body ran past MAX_CHUNKED_BODY: the rest is read and dropped. */
  bodyTooLarge(): void;
}

export function collectChunkedBody(req: IncomingMessage, user: ChunkedBodyUser): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_CHUNKED_BODY) {
      req.removeAllListeners('data');
      req.resume();
      user.bodyTooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.once('end', () => user.bodyCollected(chunks));
}
