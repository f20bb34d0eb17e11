import path from 'node:path';
import { runtimeImageFor, type Config } from '../../config.js';
import type { Candidate, CandidateServer } from '../../domain/compare-servers.js';
import { uidFor, userDirs } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import type { WorkloadMount, WorkloadSpec } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow } from '../../store/webapps-store.js';
import { webappEnvironment } from '../webapps/webapp-workload.js';
import { workloadNetwork } from '../platform/workload-network.js';

// Pure builders for Compare servers' temporary containers (kind `compare`,
// docs/compare-servers.md). No I/O.

/** compare/: root's, 0700; one folder per run. */
export function compareRoot(dataDir: string): string {
  return path.join(dataDir, 'compare');
}

export interface RunDirs {
  readonly root: string;
  /** The copy of the project folder, when the app has SQLite files there. */
  readonly project: string;
  /** A candidate's /run/pyhost. */
  run(server: CandidateServer): string;
  /** A candidate's /var/log: its own, never the live app's logs. */
  log(server: CandidateServer): string;
}

export function runDirs(dataDir: string, runId: number): RunDirs {
  const root = path.join(compareRoot(dataDir), String(runId));
  return {
    root,
    project: path.join(root, 'project'),
    run: (server) => path.join(root, server, 'run'),
    log: (server) => path.join(root, server, 'log'),
  };
}

/** The container generation label: which candidate of the run. */
export const CANDIDATE_INDEX: Readonly<Record<CandidateServer, number>> = { runserver: 0, devserver: 0, gunicorn: 1, uwsgi: 2 };

export interface CandidateInput {
  readonly config: Config;
  readonly instance: string;
  readonly user: UserRow;
  readonly app: WebappRow;
  readonly runId: number;
  readonly candidate: Candidate;
  readonly memoryMb: number;
  /** The folder (as the user sees it) a copy of which replaces it; null: everything read-only. */
  readonly copiedProject: string | null;
  /** runserver: the folder holding manage.py, as the user sees it. */
  readonly djangoDir: string | null;
}

/**
 * One candidate: the live app's environment, hardening and memory, its
 * home and WSGI files read-only, its own run and log folders. gunicorn and
 * uWSGI run under the gateway as the live app does (with the app's worker
 * count); a development server under pyhost_gateway.devserver.
 */
export function candidateWorkload(input: CandidateInput): WorkloadSpec {
  const { config, user, app, candidate } = input;
  const dirs = userDirs(config.dataDir, user.username);
  const run = runDirs(config.dataDir, input.runId);
  const production = candidate.server === 'gunicorn' || candidate.server === 'uwsgi';
  const env: Record<string, string> = {
    ...webappEnvironment(app, user.username),
    PYHOST_AUTO_RELOAD: '0',
    ...(production ? { PYHOST_SERVER: candidate.server } : { PYHOST_DEV_SERVER: candidate.server === 'runserver' ? 'runserver' : 'wsgi' }),
    ...(candidate.server === 'runserver' && input.djangoDir !== null ? { PYHOST_DEV_DIR: input.djangoDir } : {}),
  };
  const mounts: WorkloadMount[] = [
    { source: dirs.home, target: `/home/${user.username}`, readOnly: true },
    { source: dirs.www, target: '/var/www', readOnly: true },
    { source: run.log(candidate.server), target: '/var/log' },
    { source: run.run(candidate.server), target: '/run/pyhost' },
    ...(input.copiedProject === null ? [] : [{ source: run.project, target: input.copiedProject }]),
  ];
  return {
    kind: 'compare',
    instance: input.instance,
    // The web app's own Python: its candidates run what it runs.
    image: runtimeImageFor(config, app.python_version),
    username: user.username,
    uid: uidFor(config.uidBase, user.id),
    workloadId: input.runId,
    generation: CANDIDATE_INDEX[candidate.server],
    domain: app.domain_name,
    env,
    mounts,
    ...(production ? {} : { entrypoint: ['python3', '-m', 'pyhost_gateway.devserver'] }),
    // Nothing to keep: the run is over when it is stopped.
    stopSignal: 'SIGKILL',
    limits: { ...config.appLimits, memoryBytes: input.memoryMb * MiB },
    network: workloadNetwork(config),
  };
}
