// Processes inside running containers through Docker's exec API: TTY execs
// for consoles (a hijacked, bidirectional stream; resize through the API),
// and short one-off commands (demultiplexed stdout/stderr, bounded in time).
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { RuntimeError, type ExecResult, type TtyExec, type TtyExecOptions } from './container-runtime.js';
import { statusCodeOf, toRuntimeError } from './docker-errors.js';

const ONE_OFF_OUTPUT_BYTES = 8 * 1024;
/** After the stream ends Docker may take a moment to record the exit code. */
const EXIT_CODE_WAIT_MS = 2000;

function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  const deadline = Date.now() + EXIT_CODE_WAIT_MS;
  for (;;) {
    let info: Docker.ExecInspectInfo;
    try {
      info = await exec.inspect();
    } catch (err) {
      if (statusCodeOf(err) === 404) return null; // the container is gone, and the exec with it
      throw toRuntimeError('inspect exec', err);
    }
    if (!info.Running) return info.ExitCode ?? null;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function execError(operation: string, err: unknown): RuntimeError {
  // 409: the container is not running (stopped, or paused).
  return toRuntimeError(operation, err, { 409: 'conflict' });
}

export async function startTtyExec(container: Docker.Container, options: TtyExecOptions): Promise<TtyExec> {
  let exec: Docker.Exec;
  let stream: NodeJS.ReadWriteStream;
  try {
    exec = await container.exec({
      Cmd: options.cmd,
      Env: envList(options.env),
      WorkingDir: options.workingDir,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    // With Tty the stream carries raw terminal bytes (no stdout/stderr framing).
    stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as NodeJS.ReadWriteStream;
  } catch (err) {
    throw execError(`start a console in container ${container.id}`, err);
  }
  const duplex = stream as unknown as TtyExec['stream'];
  const resize = async (cols: number, rows: number): Promise<void> => {
    try {
      await exec.resize({ w: cols, h: rows });
    } catch (err) {
      // Resizing a process that has just ended is not worth an error.
      const status = statusCodeOf(err);
      if (status === 404 || status === 409 || status === 500) return;
      throw toRuntimeError('resize console', err);
    }
  };
  await resize(options.cols, options.rows);
  return { stream: duplex, resize, exitCode: () => exitCodeOf(exec) };
}

export async function runExecOnce(container: Docker.Container, modem: Docker['modem'], cmd: string[], timeoutMs: number): Promise<ExecResult> {
  let exec: Docker.Exec;
  let stream: NodeJS.ReadableStream;
  try {
    exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
    stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
  } catch (err) {
    throw execError(`run ${cmd[0] ?? ''} in container ${container.id}`, err);
  }
  const collected: Buffer[] = [];
  let size = 0;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    if (size >= ONE_OFF_OUTPUT_BYTES) return;
    collected.push(chunk);
    size += chunk.length;
  });
  modem.demuxStream(stream, sink, sink);
  const finished = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  if (!finished) (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  const output = Buffer.concat(collected).toString('utf8').slice(0, ONE_OFF_OUTPUT_BYTES);
  return { exitCode: finished ? await exitCodeOf(exec) : null, output };
}
