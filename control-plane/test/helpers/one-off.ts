import { createDockerClient } from '../../src/runtime/index.js';

const docker = createDockerClient();

/**
 * Runs one command in the runtime image as a user would in a console
 * (their uid, their home mounted, hardened, no network), for test setup
 * such as `manage.py migrate` or creating a virtualenv. Throws with the
 * output when the command fails.
 */
export async function runAsUser(opts: { uid: number; username: string; home: string; workdir?: string; cmd: string[] }): Promise<string> {
  const container = await docker.createContainer({
    Image: 'pyhost-runtime:latest',
    Entrypoint: opts.cmd.slice(0, 1),
    Cmd: opts.cmd.slice(1),
    User: `${opts.uid}:${opts.uid}`,
    WorkingDir: opts.workdir ?? `/home/${opts.username}`,
    Env: [`HOME=/home/${opts.username}`],
    Labels: { 'io.pyhost.test': 'one-off' },
    HostConfig: {
      Binds: [`${opts.home}:/home/${opts.username}`],
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,size=64m' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    if (StatusCode !== 0) throw new Error(`${opts.cmd.join(' ')} exited ${StatusCode}:\n${logs}`);
    return logs;
  } finally {
    await container.remove({ force: true });
  }
}
