import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { loadConfig } from '../../src/config.js';
import { ConflictError, NotFoundError } from '../../src/domain/errors.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';
import { ConsoleService } from '../../src/services/consoles/console-service.js';
import type { Viewer } from '../../src/services/consoles/console-session.js';
import { createUserDirs } from '../../src/services/accounts/user-dirs.js';
import { userDirs } from '../../src/domain/layout.js';
import { ConsolesStore } from '../../src/store/consoles-store.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { UsersStore, type UserRow } from '../../src/store/users-store.js';
import { MetaStore } from '../../src/store/meta-store.js';
import { AccountLimits } from '../../src/services/accounts/account-limits.js';
import { eventually } from '../helpers/eventually.js';
import { ConsoleContainers } from '../../src/services/consoles/console-containers.js';
import { ConsoleKeeper } from '../../src/services/consoles/console-keeper.js';
import { Reconciler } from '../../src/services/platform/reconciler.js';
import { RestartBackoff } from '../../src/services/platform/restart-backoff.js';

/** The console rules on a real SQLite file and the fake runtime (the Docker tests prove the real thing). */
describe('ConsoleService', () => {
  let dir: string;
  let db: Db;
  let runtime: FakeRuntime;
  let reconciler: Reconciler;
  let service: ConsoleService;
  let users: UsersStore;
  let alice: UserRow;
  const IDLE = 10 * 60_000;
  /** The service's clock: tests move it instead of waiting. */
  let clock: number;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-consoles-'));
    const config = loadConfig({ PYHOST_DATA: dir, PYHOST_CONSOLES_PER_USER: '2', PYHOST_CONSOLE_IDLE_MINUTES: '10' });
    db = openDatabase(path.join(dir, 'pyhost.db'));
    users = new UsersStore(db);
    runtime = new FakeRuntime();
    clock = Date.now();
    const log = Fastify({ logger: false }).log;
    const limits = new AccountLimits(new MetaStore(db), users, config);
    const containers = new ConsoleContainers(config, 'unit', runtime, limits, log);
    service = new ConsoleService(config, new ConsolesStore(db), users, runtime, containers, limits, log, () => clock);
    // The reconciler with the console kind alone: what removes containers nobody uses.
    reconciler = new Reconciler('unit', runtime, [new ConsoleKeeper(users, service, containers)], new RestartBackoff(), log);
    alice = newUser('alice');
  });
  afterEach(async () => {
    await service.shutdown();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function newUser(name: string): UserRow {
    const row = users.insert(name, 'x', false);
    createUserDirs(userDirs(dir, name), 10000 + row.id, 9999);
    return row;
  }

  function recorder(): Viewer & { got: string; exits: number } {
    const v = { got: '', exits: 0, send: (c: Buffer) => void (v.got += c.toString()), exited: () => void v.exits++, backlog: () => 0, close: () => {} };
    return v;
  }

  it('starts one container per user and one TTY exec per console', async () => {
    const a = await service.create(alice, {});
    const b = await service.create(alice, { executable: 'python3' });
    expect([a.state, b.state]).toEqual(['running', 'running']);
    expect(runtime.calls.filter((c) => c.startsWith('start console'))).toHaveLength(1);
    const execs = runtime.calls.filter((c) => c.startsWith('execTty'));
    expect(execs).toHaveLength(2);
    expect(execs[1]).toContain(`.pyhost-console-${b.row.id}.pid python3`);
  });

  it('keeps output for late viewers and for get_latest_output', async () => {
    const c = await service.create(alice, {});
    service.sendInput(alice, c.row.id, 'echo one\r');
    const viewer = recorder();
    await eventually(() => expect(service.latestOutput(alice, c.row.id)).toContain('echo one'));
    const { detach } = service.attach(alice, c.row.id, viewer)!;
    expect(viewer.got).toContain('echo one'); // the replay
    service.sendInput(alice, c.row.id, 'two\r');
    await eventually(() => expect(viewer.got).toContain('two'));
    detach();
    service.sendInput(alice, c.row.id, 'exit\r');
    await eventually(() => expect(service.get(alice, c.row.id).state).toBe('exited'));
    expect(viewer.exits).toBe(0); // detached before the end
  });

  it("hides other users' consoles", async () => {
    const bob = newUser('bob');
    const c = await service.create(alice, {});
    expect(() => service.get(bob, c.row.id)).toThrow(NotFoundError);
    expect(() => service.sendInput(bob, c.row.id, 'id\n')).toThrow(NotFoundError);
    await expect(service.kill(bob, c.row.id)).rejects.toThrow(NotFoundError);
    expect(service.list(bob)).toEqual([]);
  });

  it('refuses a console over the limit, and lets an ended one make room', async () => {
    const a = await service.create(alice, {});
    await service.create(alice, {});
    await expect(service.create(alice, {})).rejects.toThrow(ConflictError);
    service.sendInput(alice, a.row.id, 'exit\r');
    await eventually(() => expect(service.get(alice, a.row.id).state).toBe('exited'));
    await service.create(alice, {});
    expect(service.list(alice).map((c) => c.row.id)).not.toContain(a.row.id);
  });

  it('kills a console and forgets it', async () => {
    const c = await service.create(alice, {});
    await service.kill(alice, c.row.id);
    expect(() => service.get(alice, c.row.id)).toThrow(NotFoundError);
    expect(runtime.calls.some((call) => call.includes('pkill'))).toBe(true);
  });

  it('ends idle consoles, then forgets them and removes the idle container', async () => {
    const c = await service.create(alice, {});
    const watched = await service.create(alice, {});
    const { detach } = service.attach(alice, watched.row.id, recorder())!;
    clock += IDLE + 1000;
    await service.sweepIdle();
    expect(service.get(alice, c.row.id)).toMatchObject({ state: 'exited', exit: { reason: 'the console was idle for 10 minutes' } });
    expect(service.get(alice, watched.row.id).state).toBe('running'); // someone is looking at it
    detach();
    clock += IDLE + 1000;
    await service.sweepIdle();
    expect(service.get(alice, watched.row.id).state).toBe('exited');
    // The first console's record goes; the container stays for the idle time after the last console ended.
    expect(service.list(alice).map((x) => x.row.id)).toEqual([watched.row.id]);
    expect(runtime.all().filter((x) => x.labels.kind === 'console')).toHaveLength(1);
    clock += IDLE + 1000;
    await service.sweepIdle();
    expect(service.list(alice)).toEqual([]);
    expect(runtime.all().filter((x) => x.labels.kind === 'console')).toEqual([]);
  });

  it('reconciles: removes containers of deleted users and unused ones, keeps those in use', async () => {
    const bob = newUser('bob');
    await service.create(alice, {});
    await service.create(bob, {});
    users.remove(bob.id);
    const carol = newUser('carol');
    await service.create(carol, {});
    const carolContainer = runtime.all().find((c) => c.labels.user === 'carol')!;
    // As if left by a previous run: carol's consoles are forgotten, her container stays.
    service.store.removeAll();
    await reconciler.trigger();
    await reconciler.trigger();
    const left = runtime.all().filter((c) => c.labels.kind === 'console').map((c) => c.labels.user);
    expect(left).toEqual([]);
    expect(runtime.get(carolContainer.id)).toBeUndefined();
  });

  it('keeps a container while a console runs in it', async () => {
    await service.create(alice, {});
    await reconciler.trigger();
    expect(runtime.all().filter((c) => c.labels.kind === 'console')).toHaveLength(1);
  });
});
