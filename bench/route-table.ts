// The cost of one route change at many sites, run by hand (no Docker needed):
//
//   npx tsx bench/route-table.ts
//   SITES=500,2000,5000 CHANGES=50 npx tsx bench/route-table.ts
//
// For each number of web apps (over 100 accounts, each app with a static
// mapping, in a real SQLite file), one app at a time is put to sleep and
// woken, CHANGES times, and each change is handed to a router as Pyhost does
// it (route-publisher.ts appends the touched rows, route-loader.ts patches
// its table) and, beside it, as a whole table written, read and built
// afresh, which is what every change cost before the change lines. Prints
// the median ms per change on each side and the bytes moved.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { routeFiles } from '../control-plane/src/domain/layout.js';
import { parseSnapshot, serializeSnapshot } from '../control-plane/src/domain/route-snapshot.js';
import { RouteLoader } from '../control-plane/src/ingress/route-loader.js';
import { buildRouteTable } from '../control-plane/src/ingress/route-table.js';
import { silentLog } from '../control-plane/src/ingress/router-log.js';
import { replaceFile } from '../control-plane/src/lib/replace-file.js';
import { RoutePublisher } from '../control-plane/src/services/platform/route-publisher.js';
import { openDatabase } from '../control-plane/src/store/database.js';
import { openStores } from '../control-plane/src/store/stores.js';
import { loadAverage } from './load-tools.js';

const SITES = (process.env.SITES ?? '500,2000,5000').split(',').map(Number);
const CHANGES = Number(process.env.CHANGES ?? 50);
const USERS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const timed = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

function measure(sites: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-bench-'));
  try {
    fs.mkdirSync(path.join(dir, 'ingress'));
    const db = openDatabase(path.join(dir, 'pyhost.db'));
    const stores = openStores(db);
    const settings = { dataDir: dir, domain: 'pyhost.test', uidBase: 10_000 };
    const users = Array.from({ length: USERS }, (_, i) => stores.users.insert(`user${i}`, 'x', false));
    const ids = db.transaction(() =>
      Array.from({ length: sites }, (_, i) => {
        const u = users[i % USERS]!;
        const w = stores.webapps.insert({ user_id: u.id, domain_name: `app${i}.${u.username}.pyhost.test`, python_version: '3.11', source_directory: '/home/x', working_directory: '/home/x' });
        stores.webapps.insertStaticFile(w.id, '/static/', `/home/${u.username}/static`);
        stores.webapps.setActiveGeneration(w.id, 1);
        return w.id;
      }),
    )();
    const files = routeFiles(dir);
    const publisher = new RoutePublisher(stores.routeRows, files, process.getgid!(), pino({ level: 'silent' }));
    const loader = new RouteLoader(files, settings, silentLog);
    publisher.check();
    loader.check();
    const wholeFile = path.join(dir, 'ingress', 'whole.json');
    const r = { apiLine: [] as number[], routerLine: [] as number[], apiWhole: [] as number[], routerWhole: [] as number[], lineBytes: [] as number[], wholeBytes: 0 };
    for (let i = 0; i < CHANGES; i++) {
      const id = ids[Math.floor(Math.random() * ids.length)]!;
      stores.webapps.setSleeping(id, i % 2 === 0 ? new Date().toISOString() : null);
      const before = fs.statSync(files.changes).size;
      r.apiLine.push(timed(() => publisher.check()));
      r.lineBytes.push(fs.statSync(files.changes).size - before);
      r.routerLine.push(timed(() => loader.check()));
      if (loader.table.version !== stores.routeRows.currentVersion()) throw new Error('the router did not take the change');
      // The same change as a whole table: what the api wrote and the router read and built on every change before.
      let text = '';
      r.apiWhole.push(timed(() => replaceFile(wholeFile, (text = serializeSnapshot(stores.routeRows.snapshot())), 0o640)));
      r.wholeBytes = text.length;
      r.routerWhole.push(timed(() => {
        const s = parseSnapshot(fs.readFileSync(wholeFile, 'utf8'));
        buildRouteTable(settings, s.version, s.webapps, s.staticFiles, s.websites ?? []);
      }));
    }
    db.close();
    return r;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench: ${new Date().toISOString()}, load average ${loadAverage()}; ${CHANGES} changes (an app put to sleep or woken) per row, medians`);
console.log('\n| web apps | api: change line | api: whole table | api ratio | router: change line | router: whole table | router ratio | bytes: line | bytes: table |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const sites of SITES) {
  const r = measure(sites);
  const [al, aw, rl, rw] = [median(r.apiLine), median(r.apiWhole), median(r.routerLine), median(r.routerWhole)];
  console.log(`| ${sites} | ${ms(al)} | ${ms(aw)} | ${(aw / al).toFixed(0)}× | ${ms(rl)} | ${ms(rw)} | ${(rw / rl).toFixed(0)}× | ${median(r.lineBytes)} | ${r.wholeBytes} |`);
}
