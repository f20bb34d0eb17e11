import { execFileSync } from 'node:child_process';
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
  const instance = await startInstance();
  console.log(`e2e: Pyhost on http://localhost:${instance.port}/ (data in ${instance.dataDir})`);
  // Workers start after this and inherit the environment.
  process.env.PYHOST_E2E_PORT = String(instance.port);
  process.env.PYHOST_E2E_DATA = instance.dataDir;
  return () => instance.stop();
}
