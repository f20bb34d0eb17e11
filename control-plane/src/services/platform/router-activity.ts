import fs from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { ActivityFile } from '../../domain/activity-file.js';
import { openOwnedFile } from '../../lib/no-follow.js';
import { Poller } from '../../lib/poller.js';

const POLL_MS = 20;
/** Thousands of apps take a few hundred KiB; anything far larger is not the router's. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * The api's side of ingress/router-activity.ts: reads every router
 * process's activity file when it was replaced (a stat every POLL_MS, so a
 * wake is seen within about 20 ms), keeps the latest request time of each
 * app, and hands on each wake asked for. The files are the ingress uid's
 * (the api is root): opened without following a link, and only when they
 * are that uid's regular files.
 */
export class RouterActivityReader {
  private readonly lastSeen = new Map<number, number>();
  private readonly versions = new Map<string, string>();
  private readonly poller = new Poller();
  private problem = '';

  constructor(
    private readonly files: readonly string[],
    private readonly owner: number,
    private readonly onWake: (key: number, askedMs: number) => void,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = POLL_MS,
  ) {}

  start(): void {
    this.poller.start(this.pollMs, () => this.check());
  }

  stop(): void {
    this.poller.stop();
  }

  /** When any router last had a request for the route (a web app's id; a website's negated); undefined: none since this api started. */
  lastRequest(key: number): number | undefined {
    return this.lastSeen.get(key);
  }

  /** Reads the files that changed since the last look. Never throws. */
  check(): void {
    for (const file of this.files) {
      try {
        this.read(file);
      } catch (err) {
        const what = (err as Error).message;
        if (what !== this.problem) this.log.warn({ err, file }, "cannot read the router's activity file; idle apps wait, and held requests until it reads again");
        this.problem = what;
      }
    }
  }

  private read(file: string): void {
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st === undefined) return; // that router process has not written yet
    const version = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (this.versions.get(file) === version) return;
    const fd = openOwnedFile(file, [this.owner]);
    if (fd === null) return;
    let text: string;
    try {
      const { size } = fs.fstatSync(fd);
      if (size > MAX_BYTES) throw new Error(`${file} is larger than ${MAX_BYTES} bytes`);
      const buf = Buffer.alloc(size);
      text = buf.toString('utf8', 0, fs.readSync(fd, buf, 0, size, 0));
    } finally {
      fs.closeSync(fd);
    }
    const parsed = JSON.parse(text) as Partial<ActivityFile>;
    if (parsed.format !== 1 || typeof parsed.seen !== 'object' || typeof parsed.wake !== 'object') throw new Error(`${file} is not an activity file`);
    this.versions.set(file, version);
    this.problem = '';
    for (const [k, ms] of Object.entries(parsed.seen ?? {})) {
      const key = Number(k);
      if (Number.isInteger(key) && typeof ms === 'number' && ms > (this.lastSeen.get(key) ?? 0)) this.lastSeen.set(key, ms);
    }
    for (const [k, ms] of Object.entries(parsed.wake ?? {})) {
      const key = Number(k);
      if (Number.isInteger(key) && typeof ms === 'number') this.onWake(key, ms);
    }
  }
}
