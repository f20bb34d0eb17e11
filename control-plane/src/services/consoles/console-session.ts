import type { TtyExec } from '../../runtime/index.js';
import { Scrollback } from '../../domain/scrollback.js';

/** Someone watching a console (a browser's WebSocket). */
export interface Viewer {
  /** Raw terminal bytes. */
  send(chunk: Buffer): void;
  /** The process ended; the viewer should say so and go. */
  exited(exit: ConsoleExit): void;
  /** Bytes handed to send() that have not reached the viewer yet. */
  backlog(): number;
  /** Drop the viewer (it could not keep up); it may reconnect and get the replay. */
  close(reason: string): void;
}

export interface ConsoleExit {
  code: number | null;
  reason: string;
  /** Unix ms. */
  at: number;
}

export interface SessionLimits {
  scrollbackBytes: number;
  /** Output read from the process per second at most; beyond it the process waits, as on a slow terminal. */
  bytesPerSecond: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { scrollbackBytes: 256 * 1024, bytesPerSecond: 4 * 1024 * 1024 };

const WINDOW_MS = 100;
/** A viewer this far behind pauses the output until it catches up… */
const VIEWER_HIGH_WATER = 1024 * 1024;
const VIEWER_LOW_WATER = 256 * 1024;
/** …but not for longer than this: then it is dropped so the others go on. */
const VIEWER_STALL_MS = 5000;
const MAX_INPUT_BYTES = 64 * 1024;

/**
 * One running console: the process's TTY stream, its bounded scrollback, and
 * whoever watches. Output is read even when nobody watches (so the
 * scrollback is current), but never faster than `bytesPerSecond` and never
 * faster than the slowest viewer: pausing the stream makes the process wait
 * on its terminal, so `yes` in a console costs neither the control plane's
 * CPU nor its memory.
 */
export class ConsoleSession {
  readonly scrollback: Scrollback;
  private readonly viewers = new Set<Viewer>();
  private readonly exitListeners: ((exit: ConsoleExit) => void)[] = [];
  private exitInfo: ConsoleExit | null = null;
  private windowStart = 0;
  private windowBytes = 0;
  private resumeTimer: NodeJS.Timeout | null = null;
  private stalledSince: number | null = null;
  /** Unix ms of the last input, attach, detach or resize. */
  lastActivity: number;
  /** Set before a deliberate kill, so the exit says why. */
  endReason: string | null = null;

  constructor(
    readonly id: number,
    readonly userId: number,
    readonly containerId: string,
    private readonly exec: TtyExec,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.scrollback = new Scrollback(limits.scrollbackBytes);
    this.lastActivity = now();
    const stream = exec.stream;
    stream.on('data', (chunk: Buffer) => this.onOutput(chunk));
    let ended = false;
    const onEnd = () => {
      if (ended) return;
      ended = true;
      void this.finish();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  get exit(): ConsoleExit | null {
    return this.exitInfo;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  onExit(listener: (exit: ConsoleExit) => void): void {
    if (this.exitInfo) listener(this.exitInfo);
    else this.exitListeners.push(listener);
  }

  /** Resolves once the process has ended (at most timeoutMs); true if it did. */
  waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.onExit(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  write(input: string | Buffer): void {
    if (!this.running) return;
    const data = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    if (data.length > MAX_INPUT_BYTES) throw new RangeError(`input larger than ${MAX_INPUT_BYTES} bytes`);
    this.lastActivity = this.now();
    this.exec.stream.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    if (!this.running) return;
    this.lastActivity = this.now();
    await this.exec.resize(cols, rows);
  }

  /** Replays the scrollback to the viewer, then streams live output. Returns the detach function. */
  attach(viewer: Viewer): () => void {
    this.lastActivity = this.now();
    const replay = this.scrollback.contents();
    if (replay.length > 0) viewer.send(replay);
    if (this.exitInfo) {
      viewer.exited(this.exitInfo);
      return () => {};
    }
    this.viewers.add(viewer);
    return () => {
      if (this.viewers.delete(viewer)) this.lastActivity = this.now();
    };
  }

  /** Ends our side of the stream without killing the process (the control plane is shutting down). */
  disconnect(reason: string): void {
    this.endReason ??= reason;
    this.exec.stream.destroy();
  }

  private onOutput(chunk: Buffer): void {
    this.scrollback.append(chunk);
    for (const v of this.viewers) v.send(chunk);
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += chunk.length;
    const budget = (this.limits.bytesPerSecond * WINDOW_MS) / 1000;
    if (this.windowBytes >= budget || this.slowestBacklog() > VIEWER_HIGH_WATER) this.pause();
  }

  private slowestBacklog(): number {
    let max = 0;
    for (const v of this.viewers) max = Math.max(max, v.backlog());
    return max;
  }

  private pause(): void {
    if (this.resumeTimer) return;
    this.exec.stream.pause();
    const check = () => {
      this.resumeTimer = null;
      if (!this.running) return;
      const now = this.now();
      if (this.slowestBacklog() > VIEWER_LOW_WATER) {
        this.stalledSince ??= now;
        if (now - this.stalledSince < VIEWER_STALL_MS) {
          this.resumeTimer = setTimeout(check, 50);
          return;
        }
        for (const v of this.viewers) {
          if (v.backlog() > VIEWER_LOW_WATER) {
            this.viewers.delete(v);
            v.close('the connection could not keep up with the output; reconnect to catch up');
          }
        }
      }
      this.stalledSince = null;
      this.windowStart = now;
      this.windowBytes = 0;
      this.exec.stream.resume();
    };
    this.resumeTimer = setTimeout(check, Math.max(10, WINDOW_MS - (this.now() - this.windowStart)));
  }

  private async finish(): Promise<void> {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    let code: number | null = null;
    try {
      code = await this.exec.exitCode();
    } catch {
      code = null; // the engine went away with the container: the reason says enough
    }
    const reason = this.endReason ?? (code === null ? 'the console ended' : `the process exited with status ${code}`);
    this.exitInfo = { code, reason, at: this.now() };
    for (const v of this.viewers) v.exited(this.exitInfo);
    this.viewers.clear();
    for (const listener of this.exitListeners.splice(0)) listener(this.exitInfo);
  }
}
