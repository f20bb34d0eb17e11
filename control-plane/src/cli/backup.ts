import path from 'node:path';
import { createBackup, defaultBackupDir } from '../backup/backup.js';
import { CliError, runCli, say } from './run-cli.js';

// node control-plane/dist/cli/backup.js [folder]
// An online backup of the database (SQLite's backup API) and the users'
// files, while Pyhost runs. Default folder: $PYHOST_DATA/backups/<time>.

runCli('backup', async (config, args) => {
  if (args.length > 1 || args[0]?.startsWith('-')) {
    throw new CliError('usage: backup.js [folder]   (default: $PYHOST_DATA/backups/<time>)');
  }
  const target = args[0] ? path.resolve(args[0]) : defaultBackupDir(config.dataDir);
  const started = Date.now();
  const manifest = await createBackup({ dataDir: config.dataDir, targetDir: target });
  say(`backup: ${manifest.users.length} users, ${manifest.webapps.length} web apps, instance ${manifest.instance_id}`);
  say(`backup: written to ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
