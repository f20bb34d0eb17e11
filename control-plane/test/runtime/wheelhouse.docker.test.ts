import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wheelhouseDir } from '../../src/domain/layout.js';
import type { TestUser } from '../helpers/test-app.js';
import { createDockerTestApp, newUser, type DockerTestApp } from '../helpers/docker-app.js';
import { run, startConsole } from '../helpers/consoles.js';
import { buildHelloWheel } from '../helpers/wheels.js';

/**
 * An offline classroom (docs/egress.md): the admin fills PYHOST_DATA/wheelhouse,
 * and `pip install` in a learner's console finds packages there without any network.
 */
describe('the wheelhouse on the Docker Engine', () => {
  let t: DockerTestApp;
  let alice: TestUser;
  let build: string | undefined;

  beforeAll(async () => {
    t = await createDockerTestApp();
    ({ user: alice } = await newUser(t.app));
    const wheel = await buildHelloWheel();
    build = wheel.dir;
    fs.copyFileSync(wheel.file, path.join(wheelhouseDir(t.dataDir), wheel.name));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (build) fs.rmSync(build, { recursive: true, force: true });
  });

  it('is made root-owned 0755 at start-up', () => {
    const st = fs.lstatSync(wheelhouseDir(t.dataDir));
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o7777).toBe(0o755);
    if (process.getuid?.() === 0) expect(st.uid).toBe(0);
  });

  it('lets pip install a package from it into a fresh virtualenv with egress none', async () => {
    const c = await startConsole(t.app, alice);
    const started = Date.now();
    const out = await run(t.app, alice, c.id, 'python3 -m venv ~/v && ~/v/bin/pip install pyhost-hello 2>&1 | tail -n 3; ~/v/bin/python -c "import pyhost_hello; print(pyhost_hello.greet())"', 90_000);
    expect(out).toMatch(/Successfully installed pyhost-hello/);
    expect(out).toContain('hello from a virtualenv');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('says at once that a package it lacks is not there, without trying a network', async () => {
    const c = await startConsole(t.app, alice);
    const started = Date.now();
    const out = await run(t.app, alice, c.id, 'pip install --user no-such-package-here 2>&1 | tail -n 2; env | grep ^PIP_ | sort', 30_000);
    expect(out).toMatch(/No matching distribution found for no-such-package-here/);
    expect(out).toContain('PIP_FIND_LINKS=/wheelhouse');
    expect(out).toContain('PIP_NO_INDEX=1');
    expect(out).not.toMatch(/Retrying|NewConnectionError/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('is read-only inside the container', async () => {
    const c = await startConsole(t.app, alice);
    const out = await run(t.app, alice, c.id, 'ls /wheelhouse; touch /wheelhouse/planted 2>&1; rm -f /wheelhouse/*.whl 2>&1; ls /wheelhouse | wc -l');
    expect(out).toMatch(/pyhost_hello-.*\.whl/);
    expect(out).toMatch(/Read-only file system/);
    expect(fs.existsSync(path.join(wheelhouseDir(t.dataDir), 'planted'))).toBe(false);
    expect(fs.readdirSync(wheelhouseDir(t.dataDir)).filter((n) => n.endsWith('.whl'))).toHaveLength(1);
  });
});
