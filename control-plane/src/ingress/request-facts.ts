import type { IncomingMessage } from 'node:http';
import { unmapIPv4, type TrustCheck } from '../domain/trusted-proxies.js';
import { nextRequestId, isAcceptableRequestId } from './request-id.js';
import { MAX_HEADER_FIELDS, MAX_TARGET_BYTES } from './request-limits.js';

// One pass over a request's raw headers collects what the router needs and
// the header lines it passes on to the app. Hop-by-hop headers and the
// forwarding headers a client could forge never reach an app; the router
// writes its own. Requests that no app should see (request-limits.ts, more
// than one Host, a malformed absolute-form target) are marked for refusal.

/** A status the router answers itself, before routing; 0 when the request may go on. */
export type Refusal = 0 | 400 | 414 | 431;

export interface RequestFacts {
  /** The refusal's status, when the request is not to be routed at all (the other facts are then not collected). */
  readonly refusal: Refusal;
  /** Where the request is for: the Host header, or the authority of an absolute-form target (RFC 9112 §3.2.2). */
  readonly host: string | undefined;
  /** The request target in origin-form (path and query), as the app, the static files and the access log see it. */
  readonly target: string;
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

/** The facts of a refused request: nothing of it is used. */
function refused(refusal: Refusal): RequestFacts {
  return {
    refusal, host: undefined, target: '/', authorization: undefined, referer: undefined, userAgent: undefined, contentLength: undefined,
    chunked: false, upgrade: undefined, peer: '', trusted: false, proto: 'http', clientIp: '', forwardedFor: '', forwardedHost: '', requestId: '', passOn: '',
  };
}

export function requestFacts(req: IncomingMessage, isTrusted: TrustCheck): RequestFacts {
  const raw = req.rawHeaders;
  // Node keeps collecting fields a little past its maxHeadersCount (router.ts): too many still shows here.
  if (raw.length > 2 * MAX_HEADER_FIELDS) return refused(431);
  const url = req.url ?? '/';
  if (url.length > MAX_TARGET_BYTES) return refused(414); // latin1: one character per byte
  let target = url;
  let authority: string | undefined;
  // Not "/…": absolute-form ("http://host/path") or "*" (OPTIONS); Node's parser has refused anything else.
  if (url.charCodeAt(0) !== 47 && url !== '*') {
    const absolute = parseAbsoluteForm(url);
    if (absolute === null) return refused(400);
    ({ authority, target } = absolute);
  }
  const h = scanHeaders(raw, authority);
  if (h.refusal !== 0) return refused(h.refusal);
  let { host, passOn } = h;
  if (h.connection !== undefined) passOn = dropConnectionListed(passOn, raw, h.connection, authority);
  if (authority !== undefined) {
    if (host === undefined) passOn = `Host: ${authority}\r\n${passOn}`; // HTTP/1.0 may leave it out
    host = authority;
  }

  const peer = unmapIPv4(req.socket.remoteAddress ?? '');
  const trusted = isTrusted(peer);
  const { xff, xfHost, xRequestId } = h;
  const reportedProto = trusted && h.xfProto ? firstToken(h.xfProto).toLowerCase() : '';
  const reportedClient = trusted && xff ? lastToken(xff) : '';
  return {
    refusal: 0,
    host,
    target,
    authorization: h.authorization,
    referer: h.referer,
    userAgent: h.userAgent,
    contentLength: h.contentLength,
    // Node's parser has already refused every Transfer-Encoding that does not end in chunked.
    chunked: h.transferEncoding !== undefined,
    upgrade: h.upgrade,
    peer,
    trusted,
    // What a trusted proxy reports, else how the client reached us.
    proto: reportedProto === 'https' || reportedProto === 'http' ? reportedProto : (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http',
    clientIp: reportedClient || peer,
    forwardedFor: trusted && xff ? `${xff}, ${peer}` : peer,
    forwardedHost: trusted && xfHost ? firstToken(xfHost) : (host ?? ''),
    requestId: trusted && xRequestId && isAcceptableRequestId(xRequestId) ? xRequestId : nextRequestId(),
    passOn,
  };
}

/** What one pass over the raw headers found. */
interface HeaderScan {
  refusal: Refusal;
  host: string | undefined;
  authorization: string | undefined;
  referer: string | undefined;
  userAgent: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  connection: string | undefined;
  upgrade: string | undefined;
  xff: string | undefined;
  xfProto: string | undefined;
  xfHost: string | undefined;
  xRequestId: string | undefined;
  passOn: string;
}

// One scan, reused by every request: requestFacts reads it before it
// returns, and nothing else runs meanwhile, so the split costs no allocation.
const scan: HeaderScan = {
  refusal: 0, host: undefined, authorization: undefined, referer: undefined, userAgent: undefined, contentLength: undefined, transferEncoding: undefined,
  connection: undefined, upgrade: undefined, xff: undefined, xfProto: undefined, xfHost: undefined, xRequestId: undefined, passOn: '',
};

/** The one pass over `raw`: the headers the router reads, and the lines passed on (`authority`: an absolute-form target's). */
function scanHeaders(raw: readonly string[], authority: string | undefined): HeaderScan {
  const h = scan;
  h.refusal = 0;
  h.host = h.authorization = h.referer = h.userAgent = h.contentLength = h.transferEncoding = undefined;
  h.connection = h.upgrade = h.xff = h.xfProto = h.xfHost = h.xRequestId = undefined;
  h.passOn = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
        // More than one Host is a bad request (RFC 9112 §3.2), whichever an app would believe.
        if (h.host !== undefined) h.refusal = 400;
        h.host = value;
        // With an absolute-form target the app is told the host the target names.
        if (authority !== undefined) {
          h.passOn += `Host: ${authority}\r\n`;
          continue;
        }
        break;
      case 'authorization': h.authorization ??= value; break;
      case 'referer': h.referer ??= value; break;
      case 'user-agent': h.userAgent ??= value; break;
      case 'content-length': h.contentLength = value; break;
      case 'transfer-encoding': h.transferEncoding = h.transferEncoding === undefined ? value : `${h.transferEncoding},${value}`; break;
      case 'connection': h.connection = h.connection === undefined ? value : `${h.connection},${value}`; break;
      case 'upgrade': h.upgrade ??= value; break;
      case 'x-forwarded-for': h.xff = h.xff === undefined ? value : `${h.xff}, ${value}`; break;
      case 'x-forwarded-proto': h.xfProto ??= value; break;
      case 'x-forwarded-host': h.xfHost ??= value; break;
      case 'x-request-id': h.xRequestId ??= value; break;
    }
    if (!DROPPED.has(lower)) h.passOn += `${name}: ${value}\r\n`;
  }
  return h;
}

/**
 * The request line and headers for the app; `framing` is the body's own
 * header line (or ''). `connection`: whether the connection is kept for
 * the next request (HTTP/1.1's default, so no header), closed after this
 * one, or upgraded.
 */
export function upstreamHead(req: IncomingMessage, facts: RequestFacts, framing: string, connection: 'keep-alive' | 'close' | 'upgrade'): string {
  return (
    `${req.method} ${facts.target} HTTP/1.1\r\n${facts.passOn}` +
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
function dropConnectionListed(passOn: string, raw: readonly string[], connection: string, authority: string | undefined): string {
  const listed = new Set(connection.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t && t !== 'close' && t !== 'keep-alive' && t !== 'upgrade' && t !== 'host'));
  if (listed.size === 0) return passOn;
  let out = '';
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (lower === 'host' && authority !== undefined) out += `Host: ${authority}\r\n`;
    else if (!DROPPED.has(lower) && !listed.has(lower)) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  return out;
}

// scheme "://" authority, then the path, query (and a fragment Node lets through) up to the end.
const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)(.*)$/is;
// RFC 3986 host (an IP literal, or a reg-name without userinfo) and an optional port.
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?$/;

/** An absolute-form target (RFC 9112 §3.2.2) as the authority it names and the origin-form the app gets; null when malformed. */
export function parseAbsoluteForm(url: string): { authority: string; target: string } | null {
  const m = ABSOLUTE_FORM.exec(url);
  if (m === null || !AUTHORITY.test(m[1]!)) return null; // another scheme, no host, or userinfo ("user@host")
  const rest = m[2]!;
  return { authority: m[1]!, target: rest.charCodeAt(0) === 47 ? rest : `/${rest}` };
}
