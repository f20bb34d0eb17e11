import path from 'node:path';
import { restoreBackup } from '../backup/restore.js';
import { CliError, runCli, say } from './run-cli.js';

// node control-plane/dist/cli/restore.js <folder>
// Puts a backup made by backup.js back into $PYHOST_DATA. The api must be
// stopped; what was there before is moved aside, never deleted.

runCli('restore', async (config, args) => {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new CliError('usage: restore.js <backup folder>');
  const { manifest, setAside } = await restoreBackup({ dataDir: config.dataDir, apiSocket: config.apiSocket, sourceDir: path.resolve(args[0]!) });
  say(`restore: ${manifest.users.length} users, ${manifest.webapps.length} web apps from ${manifest.created_at} (instance ${manifest.instance_id}) into ${config.dataDir}`);
  if (setAside) say(`restore: the data that was there before is in ${setAside}`);
  say('restore: done. Start Pyhost again: it starts the web apps from the restored database.');
});
