import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { TARPIT_NANO_CPUS, nextResetMs, pythonAnywhereTime, usageDelta, utcDay } from '../../src/domain/cpu-allowance.js';
import { MiB } from '../../src/domain/limits.js';
import type { WorkloadKind } from '../../src/domain/workloads.js';
import type { WorkloadSpec } from '../../src/runtime/index.js';
import { AccountLimits } from '../../src/services/accounts/account-limits.js';
import { CpuMeter } from '../../src/services/accounts/cpu-meter.js';
import { TarpitRuntime } from '../../src/services/accounts/tarpit-runtime.js';
import { CpuUsageStore } from '../../src/store/cpu-usage-store.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { MetaStore } from '../../src/store/meta-store.js';
import { UsersStore, type UserRow } from '../../src/store/users-store.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

const SECOND = 1_000_000; // µs

describe('the daily CPU allowance rules', () => {
  it('counts by UTC day and resets at the next 00:00 UTC', () => {
    const evening = Date.parse('2026-12-01T23:59:59.500Z');
    expect(utcDay(evening)).toBe('2026-12-01');
    expect(new Date(nextResetMs(evening)).toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(new Date(nextResetMs(Date.parse('2026-12-02T00:00:00.000Z'))).toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });

  it("writes next_reset_time as PythonAnywhere does: Python's naive isoformat with microseconds", () => {
    expect(pythonAnywhereTime(Date.parse('2026-12-02T00:00:00.000Z'))).toBe('2026-12-02T00:00:00.000000');
    expect(pythonAnywhereTime(Date.parse('2026-12-02T07:08:09.123Z'))).toBe('2026-12-02T07:08:09.123000');
  });

  it('takes a counter that went down for a restarted container: all of it is new', () => {
    expect(usageDelta(5 * SECOND, 7 * SECOND)).toBe(2 * SECOND);
    expect(usageDelta(5 * SECOND, 1 * SECOND)).toBe(1 * SECOND);
  });
});

/** The meter on a real SQLite file and the fake engine, with a clock the tests move. */
describe('CpuMeter', () => {
  let dir: string;
  let db: Db;
  let config: Config;
  let engine: FakeRuntime;
  let runtime: TarpitRuntime;
  let users: UsersStore;
  let limits: AccountLimits;
  let usage: CpuUsageStore;
  let meter: CpuMeter;
  let alice: UserRow;
  let bob: UserRow;
  let clock: number;
  let nextId = 1;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-cpu-'));
    config = loadConfig({ PYHOST_DATA: dir, PYHOST_DAILY_CPU_SECONDS: '100' });
    db = openDatabase(path.join(dir, 'pyhost.db'));
    users = new UsersStore(db);
    usage = new CpuUsageStore(db);
    limits = new AccountLimits(new MetaStore(db), users, config);
    clock = Date.parse('2026-12-01T22:00:00.000Z');
    engine = new FakeRuntime(() => clock);
    meter = new CpuMeter({ config, instance: 'unit', runtime: engine, usage, users, limits, clock: () => clock, log: Fastify({ logger: false }).log });
    runtime = new TarpitRuntime(engine, meter);
    alice = users.insert('alice', 'x', false);
    bob = users.insert('bob', 'x', false);
  });
  afterEach(async () => {
    await meter.stop();
    engine.shutdown();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function spec(user: UserRow, kind: WorkloadKind): WorkloadSpec {
    const id = nextId++;
    return {
      // A user's console containers differ by variant (one per Python, in the app).
      ...(kind === 'console' ? { variant: `v${id}` } : {}),
      kind, instance: 'unit', image: 'pyhost-runtime:latest', username: user.username, uid: 10000 + user.id,
      workloadId: id, generation: kind === 'webapp' || kind === 'always_on' ? 1 : null, env: {}, mounts: [], stopSignal: 'SIGKILL',
      limits: { ...config.appLimits, memoryBytes: 256 * MiB },
    };
  }

  async function start(user: UserRow, kind: WorkloadKind): Promise<string> {
    return (await runtime.start(spec(user, kind))).id;
  }

  it("charges consoles and tasks, reports web apps apart, and tarpits only the account over its allowance", async () => {
    const console1 = await start(alice, 'console');
    const task = await start(alice, 'always_on');
    const app = await start(alice, 'webapp');
    const bobs = await start(bob, 'console');
    engine.setCpuUsage(console1, 30 * SECOND);
    engine.setCpuUsage(task, 20 * SECOND);
    engine.setCpuUsage(app, 500 * SECOND);
    engine.setCpuUsage(bobs, 99 * SECOND);
    await meter.sweep();
    expect(meter.today(alice)).toMatchObject({ allowanceSeconds: 100, chargedSeconds: 50, webappSeconds: 500, inTarpit: false });
    expect(engine.calls.filter((c) => c.startsWith('cpus'))).toEqual([]);

    engine.setCpuUsage(console1, 60 * SECOND);
    engine.setCpuUsage(task, 41 * SECOND);
    await meter.sweep();
    expect(meter.today(alice)).toMatchObject({ chargedSeconds: 101, inTarpit: true });
    expect([engine.nanoCpus.get(console1), engine.nanoCpus.get(task)]).toEqual([TARPIT_NANO_CPUS, TARPIT_NANO_CPUS]);
    // Web apps are never slowed down, nor is anyone under their allowance.
    expect(engine.nanoCpus.get(app)).toBe(config.appLimits.nanoCpus);
    expect(engine.nanoCpus.get(bobs)).toBe(config.appLimits.nanoCpus);
    expect(meter.today(bob).inTarpit).toBe(false);
    // Nothing running is stopped for it.
    expect((await engine.list('unit')).every((c) => c.state === 'running')).toBe(true);

    // A new console starts in the tarpit: no way around it.
    const console2 = await start(alice, 'console');
    expect(engine.nanoCpus.get(console2)).toBe(TARPIT_NANO_CPUS);
    const updates = engine.calls.filter((c) => c.startsWith('cpus')).length;
    await meter.sweep();
    expect(engine.calls.filter((c) => c.startsWith('cpus'))).toHaveLength(updates); // already where they belong
  });

  it('starts again from nothing at 00:00 UTC and gives the tarpitted containers their normal CPU back', async () => {
    const c = await start(alice, 'console');
    const run = await start(alice, 'scheduled_run');
    engine.setCpuUsage(c, 150 * SECOND);
    await meter.sweep();
    expect(meter.today(alice)).toMatchObject({ inTarpit: true, nextResetMs: Date.parse('2026-12-02T00:00:00.000Z') });
    expect(engine.nanoCpus.get(c)).toBe(TARPIT_NANO_CPUS);
    expect(engine.nanoCpus.get(run)).toBe(TARPIT_NANO_CPUS);

    clock = Date.parse('2026-12-01T23:59:58.000Z');
    engine.setCpuUsage(c, 151 * SECOND);
    await meter.sweep();
    expect(meter.today(alice)).toMatchObject({ chargedSeconds: 151, inTarpit: true });

    clock = Date.parse('2026-12-02T00:00:03.000Z');
    engine.setCpuUsage(c, 152 * SECOND);
    await meter.sweep();
    expect(meter.today(alice)).toMatchObject({ chargedSeconds: 1, inTarpit: false, nextResetMs: Date.parse('2026-12-03T00:00:00.000Z') });
    expect(engine.nanoCpus.get(c)).toBe(config.appLimits.nanoCpus);
    expect(engine.nanoCpus.get(run)).toBe(config.appLimits.nanoCpus);
    // Yesterday's row is still there to look back on.
    expect(usage.of(alice.id, '2026-12-01').charged_usec).toBe(151 * SECOND);
    // And a new console starts at the normal limit again.
    expect(engine.nanoCpus.get(await start(alice, 'console'))).toBe(config.appLimits.nanoCpus);
  });

  it("follows the account's own allowance, and 0 is no limit at all", async () => {
    limits.setFor('alice', { daily_cpu_seconds: 0 });
    limits.setFor('bob', { daily_cpu_seconds: 5 });
    const a = await start(alice, 'console');
    const b = await start(bob, 'console');
    engine.setCpuUsage(a, 10_000 * SECOND);
    engine.setCpuUsage(b, 6 * SECOND);
    await meter.sweep();
    expect(meter.today(alice)).toMatchObject({ allowanceSeconds: 0, chargedSeconds: 10_000, inTarpit: false });
    expect(meter.today(bob)).toMatchObject({ allowanceSeconds: 5, inTarpit: true });
    expect(engine.nanoCpus.get(a)).toBe(config.appLimits.nanoCpus);
    expect(engine.nanoCpus.get(b)).toBe(TARPIT_NANO_CPUS);
  });

  it('counts only the growth of containers that ran before it started (an api restart), and a restarted counter in full', async () => {
    const before = await start(alice, 'console');
    engine.setCpuUsage(before, 80 * SECOND);
    clock += 5000;
    // A new meter, as after an api restart: its containers' earlier usage was counted by the one before.
    const restarted = new CpuMeter({ config, instance: 'unit', runtime: engine, usage, users, limits, clock: () => clock, log: Fastify({ logger: false }).log });
    await restarted.sweep();
    expect(restarted.today(alice).chargedSeconds).toBe(0);
    engine.setCpuUsage(before, 83 * SECOND);
    await restarted.sweep();
    expect(restarted.today(alice).chargedSeconds).toBe(3);
    engine.setCpuUsage(before, 2 * SECOND);
    await restarted.sweep();
    expect(restarted.today(alice).chargedSeconds).toBe(5);
    // Not known to be at its normal limit: the restarted meter set it once, then left it.
    expect(engine.calls.filter((c) => c.startsWith(`cpus ${before}`))).toHaveLength(1);
  });
});
