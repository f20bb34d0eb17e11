import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { uidFor, userDirs } from '../../src/domain/layout.js';
import { virtualenvProblem } from '../../src/services/webapps/virtualenv-check.js';
import type { WebappRow } from '../../src/store/webapps-store.js';
import { userRow } from '../helpers/rows.js';

const asRoot = process.getuid?.() === 0;
const user = userRow({ id: 3, username: 'alice' });
const CFG_39 = 'home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.9.2\n';

/** The root-side read of a user's pyvenv.cfg: only a regular file of theirs, reached through real folders. */
describe.skipIf(!asRoot)('virtualenv check', () => {
  let dataDir: string;
  let config: Config;
  let uid: number;
  const home = (...p: string[]) => path.join(userDirs(dataDir, 'alice').home, ...p);
  const app = (venv: string | null, python = '3.11') => ({ virtualenv_path: venv, python_version: python }) as WebappRow;
  const write = (file: string, text: string, owner = uid) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.chownSync(file, owner, owner);
  };

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-venv-'));
    config = loadConfig({ PYHOST_DATA: dataDir });
    uid = uidFor(config.uidBase, user.id);
    fs.mkdirSync(home(), { recursive: true });
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('names the Python a virtualenv was made with when it is not the app’s', () => {
    write(home('.virtualenvs', 'old', 'pyvenv.cfg'), CFG_39);
    expect(virtualenvProblem(config, user, app('/home/alice/.virtualenvs/old'))).toMatch(/made with Python 3\.9 but this web app runs Python 3\.11/);
    expect(virtualenvProblem(config, user, app('/home/alice/.virtualenvs/old', '3.9'))).toBeNull();
    expect(virtualenvProblem(config, user, app(null))).toBeNull();
    expect(virtualenvProblem(config, user, app('/home/alice/.virtualenvs/missing'))).toBeNull();
  });

  it('reads nothing through a link, nor a file that is not the user’s', () => {
    const outside = path.join(dataDir, 'secret.cfg');
    write(outside, CFG_39, 0);
    fs.mkdirSync(home('linked'), { recursive: true });
    fs.symlinkSync(outside, home('linked', 'pyvenv.cfg'));
    expect(virtualenvProblem(config, user, app('/home/alice/linked'))).toBeNull();
    fs.mkdirSync(path.join(dataDir, 'elsewhere'), { recursive: true });
    write(path.join(dataDir, 'elsewhere', 'pyvenv.cfg'), CFG_39);
    fs.symlinkSync(path.join(dataDir, 'elsewhere'), home('dirlink'));
    expect(virtualenvProblem(config, user, app('/home/alice/dirlink'))).toBeNull();
    write(home('rootowned', 'pyvenv.cfg'), CFG_39, 0);
    expect(virtualenvProblem(config, user, app('/home/alice/rootowned'))).toBeNull();
  });
});
