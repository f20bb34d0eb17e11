import type { FastifyBaseLogger } from 'fastify';
import { DEFAULT_RECHECK, type RecheckPolicy } from '../../domain/custom-domains.js';
import type { CustomDomains } from './custom-domains.js';

/** Between two sweeps; a domain is looked up when its policy says it is due, so a sweep often finds nothing to do. */
const SWEEP_MS = 10_000;
/** Lookups in flight at once: a classroom's worth of new domains must not make a burst of hundreds of queries. */
const CONCURRENCY = 4;

export interface DnsRecheckOptions {
  readonly log: Pick<FastifyBaseLogger, 'error'>;
  readonly sweepMs?: number;
  readonly policy?: RecheckPolicy;
  readonly concurrency?: number;
}

/**
 * Looks custom domains up again in the background, so that no request
 * waits on DNS and a domain starts (or stops) being served without anyone
 * looking at its site: one timer for all of them, a sweep at a time, a few
 * lookups at once. Each lookup records its result, and a change between ok
 * and not ok moves routes_version (CustomDomainsStore.checked), which the
 * router and the ACME renewer follow.
 */
export class DnsRecheck {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The sweep under way, and whether stop() asked it to look up no further domains. */
  private current: { readonly done: Promise<number>; readonly halt: { halted: boolean } } | null = null;

  constructor(
    private readonly domains: Pick<CustomDomains, 'dueForRecheck' | 'check'>,
    private readonly o: DnsRecheckOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** No more sweeps on the timer; one under way looks up no further domains, and is waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.current) this.current.halt.halted = true;
    await this.current?.done;
  }

  /** One sweep now (or the one under way); resolves with how many domains it looked up. */
  sweep(): Promise<number> {
    if (this.current) return this.current.done;
    const halt = { halted: false };
    const done = this.lookUpDue(halt).finally(() => (this.current = null));
    this.current = { done, halt };
    return done;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((err: unknown) => this.o.log.error({ err }, 'the DNS recheck of custom domains failed'))
        .finally(() => this.schedule(this.o.sweepMs ?? SWEEP_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async lookUpDue(halt: { halted: boolean }): Promise<number> {
    const due = this.domains.dueForRecheck(this.o.policy ?? DEFAULT_RECHECK);
    let next = 0;
    let looked = 0;
    const worker = async () => {
      while (next < due.length && !halt.halted) {
        const { username, domain } = due[next++]!;
        looked++;
        await this.domains.check(username, domain);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? CONCURRENCY, due.length) }, worker));
    return looked;
  }
}
