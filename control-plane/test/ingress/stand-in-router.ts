import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { AccessLogs } from '../../src/ingress/access-log.js';
import { LinkPool } from '../../src/ingress/api-links.js';
import { BasicAuth } from '../../src/ingress/basic-auth.js';
import { buildRouteTable } from '../../src/ingress/route-table.js';
import { createRouterServer } from '../../src/ingress/router.js';
import { silentLog } from '../../src/ingress/router-log.js';

// The router in this process in front of stand-in apps (no Docker): every
// app `<name>.localhost` is served from its generation's app.sock, so a
// test can listen there, rename another socket over it (as a reload does),
// or write upstream.json into the app's run directory. The stand-in apps
// run as this process's own uid, which the route table names as the apps'
// owner (the router connects only to sockets of the app's uid).

export interface StandInRouter {
  readonly dir: string;
  readonly port: number;
  /** The router's links to the api: a test can play the api by handing it connections. */
  readonly apiLinks: LinkPool;
  /** Where the app `name` must listen. */
  socketOf(name: string): string;
  /** The app's generation folder (its app.sock and upstream.json). */
  runDirOf(name: string): string;
  close(): Promise<void>;
}

/** A static files mapping of the app `name` (its user is `u`: paths are /home/u/…, under `dir`/users/u/home). */
export interface StandInStaticFiles {
  readonly name: string;
  readonly url: string;
  readonly path: string;
}

export async function startStandInRouter(names: readonly string[], env: Record<string, string> = {}, staticFiles: readonly StandInStaticFiles[] = []): Promise<StandInRouter> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-proxy-'));
  const config = loadConfig({ PYHOST_DATA: dir, ...env });
  const rows = names.map((name, i) => ({
    id: i + 1, user_id: 1, username: 'u', domain_name: `${name}.localhost`, enabled: 1, account_disabled: 0, dns_pending: 0, active_generation: 1, sleeping: 0, crashed: 0, force_https: 0, hsts_enabled: 0,
    password_protection_enabled: 0, password_protection_username: null, password_protection_hash: null,
  }));
  const mappings = staticFiles.map((s) => ({ webapp_id: names.indexOf(s.name) + 1, url: s.url, path: s.path }));
  const table = buildRouteTable({ dataDir: dir, domain: 'localhost', uidBase: process.getuid!() - 1 }, 1, rows, mappings);
  const runDirOf = (name: string) => path.join(dir, 'run', String(names.indexOf(name) + 1), 'g1');
  const socketOf = (name: string) => path.join(runDirOf(name), 'app.sock');
  for (const name of names) fs.mkdirSync(runDirOf(name), { recursive: true });
  const apiLinks = new LinkPool();
  const server: http.Server = createRouterServer({
    config, routes: { table, checkSoon() {} }, accessLogs: new AccessLogs({ maxBytes: 1e6, keep: 1, flushMs: 50, log: silentLog }), auth: new BasicAuth(), log: silentLog,
    apiLinks,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    dir,
    port: (server.address() as net.AddressInfo).port,
    apiLinks,
    socketOf,
    runDirOf,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
