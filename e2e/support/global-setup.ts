import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { REPO_ROOT, startInstance } from './instance.js';

/**
 * Builds Pyhost (unless the caller just did: PYHOST_E2E_SKIP_BUILD=1), starts
 * a throwaway instance and tells the tests where it is. The function it
 * returns stops it and removes its containers and data.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.PYHOST_E2E_SKIP_BUILD) {
    console.log('e2e: building Pyhost (npm run build)');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  // An admin from the start (PYHOST_ADMIN_*), as an operator would configure
  // one; first-run setup is tested on an instance of its own (admin.spec.ts).
  const admin = { username: 'e2eadmin', password: `pw-${crypto.randomBytes(9).toString('base64url')}` };
  const instance = await startInstance({ PYHOST_ADMIN_USER: admin.username, PYHOST_ADMIN_PASSWORD: admin.password });
  console.log(`e2e: Pyhost on http://localhost:${instance.port}/ (data in ${instance.dataDir})`);
  // Workers start after this and inherit the environment.
  process.env.PYHOST_E2E_PORT = String(instance.port);
  process.env.PYHOST_E2E_DATA = instance.dataDir;
  process.env.PYHOST_E2E_ADMIN_USER = admin.username;
  process.env.PYHOST_E2E_ADMIN_PASSWORD = admin.password;
  return () => instance.stop();
}
