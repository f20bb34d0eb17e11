import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chownTree, copyDir, fixturePath } from './fixtures.js';
import { runAsUser } from './one-off.js';

const BUILDER_UID = 4242;

/**
 * A real wheel of the pkg-hello fixture (pyhost-hello, module pyhost_hello),
 * built offline in the runtime image. The caller removes `dir`.
 */
export async function buildHelloWheel(): Promise<{ dir: string; file: string; name: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-wheel-'));
  await copyDir(fixturePath('pkg-hello'), path.join(dir, 'pkg-hello'));
  await chownTree(dir, BUILDER_UID, BUILDER_UID);
  await runAsUser({ uid: BUILDER_UID, username: 'builder', home: dir, cmd: ['pip', 'wheel', '--no-index', '--no-build-isolation', '--no-deps', '-w', '/home/builder/wheels', '/home/builder/pkg-hello'] });
  const wheels = fs.readdirSync(path.join(dir, 'wheels')).filter((n) => n.endsWith('.whl'));
  if (wheels.length !== 1) throw new Error(`expected one wheel, got ${wheels.join(', ')}`);
  return { dir, file: path.join(dir, 'wheels', wheels[0]!), name: wheels[0]! };
}
