import type {
  ContainerRuntime, CpuSample, ExecResult, ManagedContainer, RuntimeEvent, TtyExec, TtyExecOptions, WatchOptions, WorkloadSpec,
} from '../../runtime/index.js';
import type { CpuMeter } from './cpu-meter.js';

/**
 * The container runtime the services use: the engine's, except that a new
 * console or task of an account over its daily CPU allowance starts in the
 * tarpit (CpuMeter.specFor), and that no container of an account starts
 * before its disk is mounted (`beforeStart`: UserDisks), or it would write
 * beside its quota, into the folder the disk is mounted over. One place for
 * both, so that no way of starting a container (a console, Run now, a
 * schedule, an always-on restart) is a way around them.
 */
export class TarpitRuntime implements ContainerRuntime {
  constructor(
    private readonly inner: ContainerRuntime,
    private readonly meter: Pick<CpuMeter, 'specFor' | 'started'>,
    private readonly beforeStart: (spec: WorkloadSpec) => Promise<void> = async () => {},
  ) {}

  async start(spec: WorkloadSpec): Promise<ManagedContainer> {
    await this.beforeStart(spec);
    const wanted = this.meter.specFor(spec);
    const started = await this.inner.start(wanted);
    this.meter.started(started.id, wanted);
    return started;
  }

  ping(): Promise<void> { return this.inner.ping(); }
  imageExists(image: string): Promise<boolean> { return this.inner.imageExists(image); }
  execTty(containerId: string, options: TtyExecOptions): Promise<TtyExec> { return this.inner.execTty(containerId, options); }
  execOnce(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> { return this.inner.execOnce(containerId, cmd, timeoutMs); }
  stop(id: string, graceSeconds: number): Promise<void> { return this.inner.stop(id, graceSeconds); }
  remove(id: string): Promise<void> { return this.inner.remove(id); }
  list(instance: string): Promise<ManagedContainer[]> { return this.inner.list(instance); }
  inspect(id: string): Promise<ManagedContainer | null> { return this.inner.inspect(id); }
  watch(instance: string, onEvent: (e: RuntimeEvent) => void, options?: WatchOptions): () => void { return this.inner.watch(instance, onEvent, options); }
  cpuSamples(instance: string): Promise<CpuSample[]> { return this.inner.cpuSamples(instance); }
  setNanoCpus(id: string, nanoCpus: number): Promise<void> { return this.inner.setNanoCpus(id, nanoCpus); }
}
