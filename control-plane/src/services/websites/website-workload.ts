import { runtimeImageFor, type Config } from '../../config.js';
import { uidFor, userDirs, websiteGenerationRunDir } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import type { WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebsiteRow } from '../../store/websites-store.js';
import type { IdentityFiles } from '../consoles/shell-workload.js';
import { workloadNetwork } from '../platform/workload-network.js';

/** Where the command must listen, inside the container (docs/websites.md). */
export const DOMAIN_SOCKET = '/run/pyhost/app.sock';

/**
 * As the user, inside the container: umask 007 so that the socket the
 * server makes is the router's to reach (through the run folder's group)
 * and nobody else's; stdout to the server log, stderr to the error log
 * (a link planted in /var/log reaches only the user's own files); then the
 * command, run by `bash -lc` as an argument, exactly as typed: nothing is
 * pasted into a shell line. $1: server log, $2: error log, $3: the command.
 */
export const WEBSITE_SHIM =
  'umask 007; exec >>"$1" 2>>"$2" || exit 125; printf "%s: [pyhost] starting: %s\\n" "$(date -u "+%F %T,%3N")" "$3"; exec bash -lc "$3"';

/**
 * A website's container: the user's three folders and this generation's
 * run folder, as a web app's, their passwd and group files (read-only),
 * the command under WEBSITE_SHIM with DOMAIN_SOCKET set and no PORT. Pure.
 */
export function websiteWorkload(
  config: Config,
  instance: string,
  user: UserRow,
  etc: IdentityFiles,
  site: WebsiteRow,
  generation: number,
  memoryMb: number,
): WorkloadSpec {
  const dirs = userDirs(config.dataDir, user.username);
  const home = `/home/${user.username}`;
  const log = (kind: string) => `/var/log/${site.domain_name}.${kind}.log`;
  return {
    kind: 'website',
    instance,
    image: runtimeImageFor(config, site.python_version),
    username: user.username,
    uid: uidFor(config.uidBase, user.id),
    workloadId: site.id,
    generation,
    domain: site.domain_name,
    env: { HOME: home, USER: user.username, LOGNAME: user.username, DOMAIN_SOCKET, PYHOST_DOMAIN_NAME: site.domain_name },
    mounts: [
      { source: dirs.home, target: home },
      { source: dirs.www, target: '/var/www' },
      { source: dirs.log, target: '/var/log' },
      { source: websiteGenerationRunDir(config.dataDir, site.id, generation), target: '/run/pyhost' },
      { source: etc.passwd, target: '/etc/passwd', readOnly: true },
      { source: etc.group, target: '/etc/group', readOnly: true },
    ],
    entrypoint: ['bash', '-c', WEBSITE_SHIM, 'pyhost-website', log('server'), log('error'), site.command],
    workingDir: home,
    // Servers finish what is in flight on SIGTERM (uvicorn, gunicorn, daphne).
    stopSignal: 'SIGTERM',
    limits: { ...config.appLimits, memoryBytes: memoryMb * MiB },
    network: workloadNetwork(config),
  };
}
