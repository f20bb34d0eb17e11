// Pure helpers for bench/router.ts: the nginx configuration it runs, wrk's
// output, and a CPU profile's hottest functions.
import fs from 'node:fs';

export interface NginxServer {
  host: string;
  socket: string;
  accessLog: string;
}

/**
 * nginx as it would sit in front of Pyhost: keep-alive to clients, forwarding
 * headers, and an access log per app, buffered like the router's. Upstream,
 * one connection per request: app.sock keeps connections alive, but a uWSGI
 * worker then waits on its connection for the next request, and open-source
 * nginx can neither cap its connections to the worker count and queue the
 * rest (`max_conns` answers 502 instead) nor avoid opening more; with
 * `keepalive` (upstreamKeepalive) requests stall in the accept queue until
 * uWSGI's socket-timeout.
 */
/** nginx terminating TLS as the router does: the same certificate, protocols, cipher list, curves and session tickets. */
export interface NginxTls {
  port: number;
  /** PEM files of the leaf (with its chain) and of its key. */
  certFile: string;
  keyFile: string;
  ciphers: string;
  curves: string;
}

export function nginxConfig(o: { dir: string; port: number; servers: NginxServer[]; upstreamKeepalive?: boolean; tls?: NginxTls }): string {
  const tls = o.tls
    ? `
    listen 127.0.0.1:${o.tls.port} ssl;
    ssl_certificate ${o.tls.certFile};
    ssl_certificate_key ${o.tls.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ${o.tls.ciphers};
    ssl_ecdh_curve ${o.tls.curves};
    ssl_prefer_server_ciphers off;
    ssl_session_tickets on;
    ssl_session_timeout 1d;`
    : '';
  const upstreams = o.servers.map((s, i) => `  upstream app${i} { server unix:${s.socket};${o.upstreamKeepalive ? ' keepalive 32;' : ''} }`).join('\n');
  const servers = o.servers
    .map(
      (s, i) => `  server {
    listen 127.0.0.1:${o.port};${tls}
    server_name ${s.host};
    access_log ${s.accessLog} combined buffer=64k flush=1s;
    location / {
      proxy_pass http://app${i};
      proxy_http_version 1.1;
      proxy_set_header Connection ${o.upstreamKeepalive ? '""' : 'close'};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Request-Id $request_id;
    }
  }`,
    )
    .join('\n');
  return `# Written by bench/router.ts; root, like the router, to reach the apps' 0660 sockets.
user root root;
worker_processes auto;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${o.dir}/body;
  proxy_temp_path ${o.dir}/proxy;
  fastcgi_temp_path ${o.dir}/fastcgi;
  uwsgi_temp_path ${o.dir}/uwsgi;
  scgi_temp_path ${o.dir}/scgi;
  keepalive_timeout 60;
  keepalive_requests 1000000;
${upstreams}
${servers}
}
`;
}

export interface WrkResult {
  rps: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** Socket errors and non-2xx/3xx responses. */
  errors: number;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const p99 = toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, p50, p99, errors };
}

/** Self time per function, hottest first, from a .cpuprofile (node --cpu-prof). */
export function summarizeProfile(file: string, top: number): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const where = n.callFrame.url ? ` ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${n.callFrame.functionName || '(anonymous)'}${where}`;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
}
