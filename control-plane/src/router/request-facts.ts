import type { IncomingMessage } from 'node:http';
import { unmapIPv4, type TrustCheck } from '../domain/trusted-proxies.js';
import { nextRequestId, isAcceptableRequestId } from './request-id.js';

// One pass over a request's raw headers collects what the router needs and
// the header lines it passes on to the app. Hop-by-hop headers and the
// forwarding headers a client could forge never reach an app; the router
// writes its own.

export interface RequestFacts {
  readonly host: string | undefined;
  readonly authorization: string | undefined;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
  readonly contentLength: string | undefined;
  readonly chunked: boolean;
  readonly upgrade: string | undefined;
  /** The peer's address (the client, or a proxy in front of us). */
  readonly peer: string;
  /** Whether the peer is a configured proxy whose X-Forwarded-* we believe. */
  readonly trusted: boolean;
  /** `http` or `https`, as the client reached the outermost proxy. */
  readonly proto: string;
  /** The client's address: the peer's, or the one a trusted proxy reports. */
  readonly clientIp: string;
  readonly forwardedFor: string;
  readonly forwardedHost: string;
  readonly requestId: string;
  /** "Name: value\r\n" lines for the app. */
  readonly passOn: string;
}

const DROPPED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding',
  'content-length', 'expect', 'http2-settings',
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'x-request-id', 'forwarded',
]);

export function requestFacts(req: IncomingMessage, isTrusted: TrustCheck): RequestFacts {
  const raw = req.rawHeaders;
  let host: string | undefined;
  let authorization: string | undefined;
  let referer: string | undefined;
  let userAgent: string | undefined;
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let connection: string | undefined;
  let upgrade: string | undefined;
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  let xRequestId: string | undefined;
  let passOn = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host': host ??= value; break;
      case 'authorization': authorization ??= value; break;
      case 'referer': referer ??= value; break;
      case 'user-agent': userAgent ??= value; break;
      case 'content-length': contentLength = value; break;
      case 'transfer-encoding': transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`; break;
      case 'connection': connection = connection === undefined ? value : `${connection},${value}`; break;
      case 'upgrade': upgrade ??= value; break;
      case 'x-forwarded-for': xff = xff === undefined ? value : `${xff}, ${value}`; break;
      case 'x-forwarded-proto': xfProto ??= value; break;
      case 'x-forwarded-host': xfHost ??= value; break;
      case 'x-request-id': xRequestId ??= value; break;
    }
    if (!DROPPED.has(lower)) passOn += `${name}: ${value}\r\n`;
  }
  if (connection !== undefined) passOn = dropConnectionListed(passOn, raw, connection);

  const peer = unmapIPv4(req.socket.remoteAddress ?? '');
  const trusted = isTrusted(peer);
  const reportedProto = trusted && xfProto ? firstToken(xfProto).toLowerCase() : '';
  const reportedClient = trusted && xff ? lastToken(xff) : '';
  return {
    host,
    authorization,
    referer,
    userAgent,
    contentLength,
    // Node's parser has already refused every Transfer-Encoding that does not end in chunked.
    chunked: transferEncoding !== undefined,
    upgrade,
    peer,
    trusted,
    proto: reportedProto === 'https' || reportedProto === 'http' ? reportedProto : 'http',
    clientIp: reportedClient || peer,
    forwardedFor: trusted && xff ? `${xff}, ${peer}` : peer,
    forwardedHost: trusted && xfHost ? firstToken(xfHost) : (host ?? ''),
    requestId: trusted && xRequestId && isAcceptableRequestId(xRequestId) ? xRequestId : nextRequestId(),
    passOn,
  };
}

/**
 * The request line and headers for the app; `framing` is the body's own
 * header line (or ''). `connection`: whether the connection is kept for
 * the next request (HTTP/1.1's default, so no header), closed after this
 * one, or upgraded.
 */
export function upstreamHead(req: IncomingMessage, facts: RequestFacts, framing: string, connection: 'keep-alive' | 'close' | 'upgrade'): string {
  return (
    `${req.method} ${req.url} HTTP/1.1\r\n${facts.passOn}` +
    `X-Forwarded-For: ${facts.forwardedFor}\r\nX-Forwarded-Proto: ${facts.proto}\r\n` +
    `X-Forwarded-Host: ${facts.forwardedHost}\r\nX-Real-IP: ${facts.clientIp}\r\nX-Request-Id: ${facts.requestId}\r\n` +
    (connection === 'upgrade' ? `Connection: Upgrade\r\nUpgrade: ${facts.upgrade}\r\n` : connection === 'close' ? 'Connection: close\r\n' : '') +
    `${framing}\r\n`
  );
}

function firstToken(list: string): string {
  const comma = list.indexOf(',');
  return (comma < 0 ? list : list.slice(0, comma)).trim();
}

function lastToken(list: string): string {
  return list.slice(list.lastIndexOf(',') + 1).trim();
}

/** Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1); rare, so done in a second pass. */
function dropConnectionListed(passOn: string, raw: readonly string[], connection: string): string {
  const listed = new Set(connection.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t && t !== 'close' && t !== 'keep-alive' && t !== 'upgrade'));
  if (listed.size === 0) return passOn;
  let out = '';
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (!DROPPED.has(lower) && !listed.has(lower)) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return out;
}
