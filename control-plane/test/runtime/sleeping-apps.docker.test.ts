// Sleeping web apps on the real Docker Engine (docs/sleeping-apps.md): an
// app idle for PYHOST_SLEEP_AFTER has no container; its first request
// through the router wakes it and is answered with the app's own page;
// wakes run at most PYHOST_WAKE_CONCURRENCY at once; a wake of broken code
// answers the 502 page; tasks never sleep; a restart of the api changes
// nobody's sleep.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { LABEL_INSTANCE, LABEL_WEBAPP } from '../../src/runtime/labels.js';
import { docker, getWebapp, helloApp, waitForState, writeAsUser, wsgiFile } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken } from '../helpers/test-app.js';
import { createRouterFixture, type RouterFixture } from '../ingress/router-fixture.js';

const WAKE_CONCURRENCY = 2;

describe('sleeping web apps on the Docker Engine', () => {
  let f: RouterFixture;

  beforeAll(async () => {
    f = await createRouterFixture({
      PYHOST_SLEEP_AFTER: '2s',
      PYHOST_WAKE_CONCURRENCY: String(WAKE_CONCURRENCY),
      PYHOST_LIMIT_WEBAPPS: '20',
      PYHOST_LIMIT_AWAKE_WEBAPPS: '1',
      // Every woken app is held for at most this long: long enough for a few wakes in turn on a busy machine.
      PYHOST_APP_WAIT_SECONDS: '60',
    });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  const containersOf = async (domain: string) => {
    const id = f.t.app.stores.webapps.byDomain(domain)!.id;
    return docker.listContainers({ all: true, filters: { label: [`${LABEL_INSTANCE}=${f.t.app.instanceId}`, `${LABEL_WEBAPP}=${id}`] } });
  };
  const serverLog = (domain: string) => fs.readFileSync(path.join(userDirs(f.t.dataDir, f.user.username).log, `${domain}.server.log`), 'utf8');
  /** Asleep, and its container gone (the route says asleep before the container's graceful stop). */
  const asleep = async (domain: string) => {
    const w = await waitForState(f.t.app, f.user, domain, 'sleeping', 30_000);
    await eventually(async () => expect(await containersOf(domain)).toEqual([]), { timeoutMs: 20_000 });
    return w;
  };

  it('sleeps after its idle time with no container left, and its first 20 requests at once all get its own page', async () => {
    const domain = await f.createApp('nap', helloApp('hello after a nap'));
    expect((await f.request(domain)).body).toBe('hello after a nap');

    const slept = await asleep(domain);
    expect(slept.sleeping_since).toEqual(expect.any(String));
    expect(slept.sleep_after_seconds).toBe(2);
    // Nothing of it runs, so none of its memory is held: the container goes (stopped gracefully), not paused.
    await eventually(async () => expect(await containersOf(domain)).toEqual([]), { timeoutMs: 20_000 });
    await eventually(() => expect(serverLog(domain)).toMatch(/\[pyhost\] asleep after 2 s without a request; its next request wakes it/));

    const answers = await Promise.all(Array.from({ length: 20 }, () => f.request(domain)));
    expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(Array(20).fill('200 hello after a nap'));
    expect(await getWebapp(f.t.app, f.user, domain)).toMatchObject({ sleeping_since: null });
    // The api's own look at the gateway may come a moment after the router's answers.
    await eventually(async () => expect((await getWebapp(f.t.app, f.user, domain)).state).toBe('running'));
    // Written once the wake's slot is given back (the api's own look at the new server, a moment after the router's).
    await eventually(() => expect(serverLog(domain)).toMatch(/\[pyhost\] awake again after \d+ s asleep: a request woke it, and it answered \d+ ms after that request came/));

    // And it sleeps again once idle.
    await asleep(domain);
    await eventually(async () => expect(await containersOf(domain)).toEqual([]), { timeoutMs: 20_000 });
  }, 120_000);

  it('wakes at most PYHOST_WAKE_CONCURRENCY apps at once, and answers every held request', async () => {
    const domains = await Promise.all(['w1', 'w2', 'w3', 'w4', 'w5'].map((n) => f.createApp(n, helloApp(`I am ${n}`))));
    await Promise.all(domains.map(asleep));

    let mostWaking = 0;
    let mostQueued = 0;
    const watch = setInterval(() => {
      const { waking, queued } = f.t.app.services.sleep.pending;
      mostWaking = Math.max(mostWaking, waking);
      mostQueued = Math.max(mostQueued, queued);
    }, 2);
    try {
      const answers = await Promise.all(domains.map((d) => f.request(d)));
      expect(answers.map((a) => `${a.status} ${a.body}`)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5'].map((n) => `200 I am ${n}`));
    } finally {
      clearInterval(watch);
    }
    expect(mostWaking).toBe(WAKE_CONCURRENCY);
    // Five asked at once and two slots: the others waited their turn.
    expect(mostQueued).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('answers the 502 page at once for an app whose code broke while it slept, says why, and runs again after a fix and Reload', async () => {
    const domain = await f.createApp('broke', helloApp('working'));
    await asleep(domain);
    writeAsUser(wsgiFile(f.t, f.user, domain), 'import this_module_does_not_exist\n', f.uid);

    const res = await f.request(domain);
    expect(res.status).toBe(502);
    expect(res.body).toContain(`/var/log/${domain}.error.log`);
    const w = await getWebapp(f.t.app, f.user, domain);
    expect(w).toMatchObject({ state: 'crashed', sleeping_since: null });
    expect(w.crash_reason).toMatch(/woke from sleep for a request, but its server did not start/);
    expect(await containersOf(domain)).toEqual([]);
    // Crashed until a Reload: the next request does not wait for anything.
    const again = await f.request(domain);
    expect(again.status).toBe(502);

    writeAsUser(wsgiFile(f.t, f.user, domain), helloApp('fixed'), f.uid);
    const reloaded = await f.api('POST', `${domain}/reload/`);
    expect(reloaded.statusCode, reloaded.body).toBe(200);
    await eventually(async () => expect((await f.request(domain)).body).toBe('fixed'));
  }, 120_000);

  it('wakes a sleeping app on Reload', async () => {
    const domain = await f.createApp('reloaded', helloApp('reloaded awake'));
    await asleep(domain);
    const reloaded = await f.api('POST', `${domain}/reload/`);
    expect(reloaded.statusCode, reloaded.body).toBe(200);
    expect(await getWebapp(f.t.app, f.user, domain)).toMatchObject({ state: 'running', sleeping_since: null });
    expect((await containersOf(domain)).map((c) => c.State)).toEqual(['running']);
    expect((await f.request(domain)).body).toBe('reloaded awake');
  }, 120_000);

  it('never puts an always-on task to sleep, nor an app kept awake (within the limit); a restart of the api leaves every app as it was', async () => {
    const task = await f.t.app.inject({ method: 'POST', url: `/api/v0/user/${f.user.username}/always_on/`, headers: asToken(f.user.token), payload: { command: 'exec sleep 100000' } });
    expect(task.statusCode, task.body).toBe(201);
    const taskContainers = () => docker.listContainers({ filters: { label: [`${LABEL_INSTANCE}=${f.t.app.instanceId}`, 'io.pyhost.kind=always_on'] } });
    await eventually(async () => expect(await taskContainers()).toHaveLength(1));
    const [taskContainer] = await taskContainers();

    const awake = await f.createApp('awake', helloApp('always here'));
    const kept = await f.api('PATCH', `${awake}/`, { keep_awake: true });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ keep_awake: true, sleep_after_seconds: 0 });
    const sleeper = await f.createApp('sleeper', helloApp('zzz'));
    // A second one kept awake is over the account's limit of 1.
    const over = await f.api('PATCH', `${sleeper}/`, { keep_awake: true });
    expect(over.statusCode, over.body).toBe(409);
    expect(over.json()).toMatchObject({ detail: expect.stringContaining('awake_webapps') });

    // Idle as long as the sleeper, which sleeps: the task and the kept app run on, in the same containers.
    const [awakeContainer] = await containersOf(awake);
    await asleep(sleeper);
    expect((await taskContainers()).map((c) => c.Id)).toEqual([taskContainer!.Id]);
    expect((await containersOf(awake)).map((c) => c.Id)).toEqual([awakeContainer!.Id]);
    expect((await getWebapp(f.t.app, f.user, awake)).state).toBe('running');

    await f.restartApi();
    await f.t.app.services.reconciler.trigger();
    expect((await getWebapp(f.t.app, f.user, sleeper)).state).toBe('sleeping');
    expect(await containersOf(sleeper)).toEqual([]);
    expect((await containersOf(awake)).map((c) => c.Id)).toEqual([awakeContainer!.Id]);
    expect((await taskContainers()).map((c) => c.Id)).toEqual([taskContainer!.Id]);
    // And the restarted api still wakes it.
    expect((await f.request(sleeper)).body).toBe('zzz');
  }, 180_000);
});

describe('a cap on the web apps awake at once (PYHOST_MAX_AWAKE_WEBAPPS)', () => {
  let f: RouterFixture;

  beforeAll(async () => {
    f = await createRouterFixture({ PYHOST_SLEEP_AFTER: '10m', PYHOST_MAX_AWAKE_WEBAPPS: '2', PYHOST_LIMIT_WEBAPPS: '5', PYHOST_APP_WAIT_SECONDS: '60' });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  const sleepAfter = async (seconds: number) => {
    const res = await f.t.app.inject({ method: 'PATCH', url: `/api/admin/users/${f.user.username}/limits`, headers: asToken(await adminToken(f.t.app)), payload: { sleep_after_seconds: seconds } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const state = async (domain: string) => (await getWebapp(f.t.app, f.user, domain)).state;

  it('a wake past the cap first puts the app idle longest to sleep; past it only while every app was just used, and the sweep then brings them back under', async () => {
    const [a, b, c] = await Promise.all(['first', 'second', 'third'].map((n) => f.createApp(n, helloApp(`I am ${n}`))));
    // All three asleep (a short idle time for the moment), then the idle time is long again: from here on only the cap puts an app to sleep.
    await sleepAfter(2);
    for (const d of [a!, b!, c!]) await waitForState(f.t.app, f.user, d, 'sleeping', 30_000);
    await sleepAfter(600);

    expect((await f.request(a!)).body).toBe('I am first');
    expect((await f.request(b!)).body).toBe('I am second');
    // Only an app idle for a few seconds is put to sleep for another: both of these are, in a moment.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    expect((await f.request(b!)).body).toBe('I am second');
    expect((await f.request(c!)).body).toBe('I am third');

    await eventually(async () => expect(await state(a!)).toBe('sleeping'), { timeoutMs: 20_000 });
    // The api's own look at the woken app may come a moment after the router's answer.
    await eventually(async () => expect([await state(b!), await state(c!)]).toEqual(['running', 'running']));
    // Written once its container is gone, a moment after its state says asleep.
    await eventually(() =>
      expect(fs.readFileSync(path.join(userDirs(f.t.dataDir, f.user.username).log, `${a}.server.log`), 'utf8')).toMatch(
        /\[pyhost\] asleep after \d+ s without a request, to make room for another app's wake within this instance's cap \(2 web apps awake at most\); its next request wakes it/,
      ),
    );
    expect(f.t.app.stores.webapps.awakeCount()).toBe(2);

    // Both awake apps just had a request, so the next wake may put neither to sleep: it goes past the cap…
    expect((await f.request(b!)).body).toBe('I am second');
    expect((await f.request(c!)).body).toBe('I am third');
    expect((await f.request(a!)).body).toBe('I am first');
    expect(f.t.app.stores.webapps.awakeCount()).toBe(3);
    // …and the sweep brings the apps awake back under it once one has been idle a few seconds: the one idle longest.
    await eventually(async () => expect(await state(b!)).toBe('sleeping'), { timeoutMs: 20_000 });
    expect(f.t.app.stores.webapps.awakeCount()).toBe(2);
    await eventually(() =>
      expect(fs.readFileSync(path.join(userDirs(f.t.dataDir, f.user.username).log, `${b}.server.log`), 'utf8')).toMatch(
        /\[pyhost\] asleep after \d+ s without a request, to bring the apps awake back under this instance's cap \(2 web apps awake at most\)/,
      ),
    );
  }, 180_000);
});
