import type { ServerResponse } from 'node:http';
import { MAX_HEADER_FIELDS, MAX_TARGET_BYTES } from './request-limits.js';

// The router's own answers. Plain, small, and they never reveal what else
// this instance serves: an unknown host gets the same page whatever exists.

/**
 * How soon a visitor may try a domain waiting for DNS again: the api looks
 * such domains up again this often (services/domains/dns-recheck.ts).
 */
export const DNS_RETRY_SECONDS = 30;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .2em}</style>' +
    `</head><body><h1>${title}</h1>${body}</body></html>\n`
  );
}

export const pages = {
  unknownHost: () => page('404 Not Found', '<p>There is no web app at this address.</p>'),
  notFound: () => page('404 Not Found', '<p>The requested file was not found.</p>'),
  badGateway: (domain: string) =>
    page(
      '502 Bad Gateway',
      `<p>The web app at <b>${escapeHtml(domain)}</b> is not answering.</p>` +
        `<p>If it is yours: its error log <code>/var/log/${escapeHtml(domain)}.error.log</code> usually says why, ` +
        `and its server log <code>/var/log/${escapeHtml(domain)}.server.log</code> shows whether it started. ` +
        'Fix the code and press <b>Reload</b>.</p>',
    ),
  waking: (domain: string) =>
    page(
      '503 Service Unavailable',
      `<p>The web app at <b>${escapeHtml(domain)}</b> was asleep and is waking up. Try again in a moment.</p>`,
    ),
  dashboardDown: () => page('503 Service Unavailable', '<p>The dashboard is restarting. Try again in a moment; web apps keep running.</p>'),
  timeout: (domain: string) =>
    page('504 Gateway Timeout', `<p>The web app at <b>${escapeHtml(domain)}</b> took too long to answer. Its error log <code>/var/log/${escapeHtml(domain)}.error.log</code> may say why.</p>`),
  disabled: (by: 'owner' | 'account') =>
    page('503 Service Unavailable', by === 'account' ? '<p>This site is disabled.</p>' : '<p>This web app is disabled by its owner.</p>'),
  // Says only what the visitor already knows (the name they asked for) and
  // what its owner must do; not whose site it is nor where the record should point.
  dnsPending: (domain: string) =>
    page(
      '503 Service Unavailable',
      `<p><b>${escapeHtml(domain)}</b> is set up on this Pyhost, but is waiting for its DNS record to point here.</p>` +
        `<p>If it is yours: create the DNS record shown on its page in the dashboard. Pyhost checks it again every ${DNS_RETRY_SECONDS} seconds ` +
        'and serves the site as soon as it points here (DNS changes can take a while to spread).</p>',
    ),
  movedToHttps: (location: string) =>
    page('301 Moved Permanently', `<p>This web app is served over HTTPS: <a href="${escapeHtml(location)}">${escapeHtml(location)}</a>.</p>`),
  unauthorized: () => page('401 Unauthorized', '<p>This web app is password protected.</p>'),
  busy: () => page('503 Service Unavailable', '<p>Too many sign-in attempts are being checked; try again in a moment.</p>'),
  methodNotAllowed: () => page('405 Method Not Allowed', '<p>Static files can only be fetched with GET or HEAD.</p>'),
  tooLarge: () => page('413 Content Too Large', '<p>A chunked request body this large must be sent with a Content-Length.</p>'),
  rangeNotSatisfiable: () => page('416 Range Not Satisfiable', '<p>The requested range is outside the file.</p>'),
  refused: (status: 400 | 414 | 431) => REFUSED[status](),
};

/** Requests the router answers before routing them (request-limits.ts, request-facts.ts). */
const REFUSED = {
  400: () => page('400 Bad Request', '<p>The request names its host more than once, or in a malformed URL.</p>'),
  414: () => page('414 URI Too Long', `<p>The URL is longer than this server accepts (${MAX_TARGET_BYTES / 1024} KiB).</p>`),
  431: () => page('431 Request Header Fields Too Large', `<p>The request has more header fields than this server accepts (${MAX_HEADER_FIELDS}).</p>`),
};

/** Sends a page; returns the bytes of body written (for the access log). */
export function sendPage(res: ServerResponse, status: number, html: string, extraHeaders?: Record<string, string>): number {
  const body = Buffer.from(html);
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
  return res.req.method === 'HEAD' ? 0 : body.length;
}

/** For a socket that left HTTP (an Upgrade): a whole response written by hand, then the socket is closed. */
export function rawResponse(status: number, reason: string, html: string, extraHeaders = ''): string {
  const length = Buffer.byteLength(html);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${length}\r\n${extraHeaders}Connection: close\r\n\r\n${html}`;
}
