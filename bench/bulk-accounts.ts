// Bulk account creation benchmark, run by hand (no Docker needed: accounts
// are rows and folders):
//
//   npx tsx bench/bulk-accounts.ts                  # 500 accounts, generated passwords
//   WITH_PASSWORDS=1 npx tsx bench/bulk-accounts.ts # and 500 with typed passwords too
//
// Builds the app as production does (the production password hash cost,
// PYHOST_PASSWORD_HASH_COST's default) on a fresh data directory, sends one
// POST /api/admin/users/bulk of ACCOUNTS lines (default 500, the most one
// list may have), and prints how long it took, then how long the Admin
// page's GET /api/admin/users takes with them all (median of 10).
import { adminToken, asToken, createTestApp } from '../control-plane/test/helpers/test-app.js';

const ACCOUNTS = Number(process.env.ACCOUNTS ?? 500);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main(): Promise<void> {
  // '17' is PYHOST_PASSWORD_HASH_COST's default (the test helper lowers it).
  const t = await createTestApp({ PYHOST_PASSWORD_HASH_COST: '17', PYHOST_LOG_LEVEL: 'warn' });
  try {
    const admin = asToken(await adminToken(t.app));
    const cases: [string, (i: number) => string][] = [['generated passwords', (i) => `gen${i}`]];
    if (process.env.WITH_PASSWORDS) cases.push(['typed passwords', (i) => `typed${i},typed-password-${i}`]);
    const rows: string[] = [];
    for (const [label, line] of cases) {
      const text = Array.from({ length: ACCOUNTS }, (_, i) => line(i)).join('\n');
      const started = performance.now();
      const res = await t.app.inject({ method: 'POST', url: '/api/admin/users/bulk', headers: admin, payload: { text } });
      const took = performance.now() - started;
      if (res.statusCode !== 201) throw new Error(`bulk ${label}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      rows.push(`| bulk create, ${label} | ${ACCOUNTS} | ${fmt(took)} | ${(took / ACCOUNTS).toFixed(1)} ms |`);
    }
    const lists: number[] = [];
    let count = 0;
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const res = await t.app.inject({ url: '/api/admin/users', headers: admin });
      lists.push(performance.now() - started);
      count = res.json<{ users: unknown[] }>().users.length;
    }
    rows.push(`| GET /api/admin/users (median of 10) | ${count} | ${fmt(median(lists))} | |`);
    console.log(['| what | accounts | time | per account |', '| --- | ---: | ---: | ---: |', ...rows].join('\n'));
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
