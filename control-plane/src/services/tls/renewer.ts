import fs from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import * as acme from 'acme-client';
import type { FastifyBaseLogger } from 'fastify';
import type { AcmeSettings } from '../../config.js';
import {
  DEFAULT_BACKOFF,
  DEFAULT_ORDERS_PER_HOUR,
  OrderBudget,
  backoffMs,
  needsOrder,
  wantedCertificates,
  type BackoffSettings,
  type CertificateState,
  type WantedCertificate,
} from '../../domain/renewal-policy.js';
import type { RouteSnapshot } from '../../domain/route-snapshot.js';
import type { CertificateRow, CertificatesStore } from '../../store/certificates-store.js';
import { describeAcmeError } from './acme-errors.js';
import { namesOf, type CertificateService } from './certificate-service.js';

const DEFAULT_TICK_MS = 60_000;
/** How often it looks whether the routes changed (a new web app gets its certificate within seconds). */
const ROUTES_POLL_MS = 2000;

export interface RenewerOptions {
  readonly settings: AcmeSettings;
  /** The dashboard's host name (PYHOST_DOMAIN). */
  readonly dashboardDomain: string;
  readonly certificates: CertificateService;
  readonly store: CertificatesStore;
  /** The web apps and websites, as the router sees them. */
  readonly routes: () => Pick<RouteSnapshot, 'webapps' | 'websites'>;
  /** Moves when which names are served may have changed (RouteRows.hostsVersion): a pass follows each move. An app sleeping or waking does not move it. */
  readonly hostsVersion?: () => number;
  /** Further certificates to keep (e.g. verified custom domains); their owners count as existing. */
  readonly more?: () => readonly WantedCertificate[];
  readonly log: FastifyBaseLogger;
  readonly clock?: () => number;
  /** How often it looks for work (tests: less). */
  readonly tickMs?: number;
  readonly backoff?: BackoffSettings;
  readonly ordersPerHour?: number;
  /** How long acme-client waits between polls of a pending challenge or order, at first (ms). */
  readonly pollMs?: number;
}

/**
 * Obtains and renews certificates by ACME HTTP-01, one order at a time:
 * the challenge's key authorization goes to tls/challenges/<token>, which the
 * router answers on plain HTTP for any host. A failed order leaves the old
 * certificate where it is, records why, and waits (DEFAULT_BACKOFF) before
 * the next try; no more than `ordersPerHour` orders an hour.
 */
export class Renewer {
  private readonly clock: () => number;
  private readonly budget: OrderBudget;
  private readonly backoff: BackoffSettings;
  private timer: NodeJS.Timeout | null = null;
  private watch: NodeJS.Timeout | null = null;
  private seenVersion = Number.NaN;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private client: acme.Client | null = null;
  private readonly agent: https.Agent;

  constructor(private readonly o: RenewerOptions) {
    this.clock = o.clock ?? Date.now;
    this.budget = new OrderBudget(o.ordersPerHour ?? DEFAULT_ORDERS_PER_HOUR);
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.agent = configureHttp(o.settings);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.o.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    if (this.o.hostsVersion) {
      const version = this.o.hostsVersion;
      this.seenVersion = version();
      this.watch = setInterval(() => {
        const now = version();
        if (now !== this.seenVersion) {
          this.seenVersion = now;
          this.kick();
        }
      }, ROUTES_POLL_MS);
      this.watch.unref();
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.watch) clearInterval(this.watch);
    this.timer = null;
    this.watch = null;
    await this.running;
  }

  /** A pass soon (a web app was added, say); passes never overlap. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.o.log.error({ err }, 'certificate renewal pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One pass now, awaited (tests; after stop() too). */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    this.stopped = false;
    await this.pass();
  }

  private async pass(): Promise<void> {
    const routes = this.o.routes();
    const more = this.o.more?.() ?? [];
    const wanted = [...wantedCertificates(routes, this.o.dashboardDomain), ...more];
    this.dropOrphans(routes, more);
    const rows = new Map(this.o.store.all().map((r) => [r.id, r]));
    const uploaded = [...rows.values()].filter((r) => r.source === 'upload').map(state);
    for (const w of wanted) {
      if (this.stopped) return;
      const row = rows.get(w.id);
      if (row?.source === 'upload') continue;
      if (!needsOrder(w, row ? state(row) : undefined, uploaded, this.clock())) continue;
      if (!this.budget.take(this.clock())) {
        this.o.log.warn({ certificate: w.id }, 'certificate orders paused: this hour\'s budget is used up');
        return;
      }
      await this.order(w);
    }
  }

  /** Issued certificates of web apps and websites that are gone. */
  private dropOrphans(routes: Pick<RouteSnapshot, 'webapps' | 'websites'>, more: readonly WantedCertificate[]): void {
    const owners = new Set(['dashboard', ...routes.webapps.map((w) => `webapp:${w.id}`), ...(routes.websites ?? []).map((s) => `website:${s.id}`)]);
    const kept = new Set(more.map((m) => m.id));
    for (const row of this.o.store.all()) {
      if (row.source === 'acme' && !owners.has(row.owner) && !kept.has(row.id)) this.o.certificates.remove(row.id);
    }
  }

  private async order(w: WantedCertificate): Promise<void> {
    const log = this.o.log.child({ certificate: w.id, names: w.names });
    const now = this.clock();
    this.o.store.ensure(w.id, w.names, 'acme', w.owner);
    this.o.store.attempted(w.id, new Date(now).toISOString());
    try {
      const client = await this.acmeClient();
      const key = await acme.crypto.createPrivateEcdsaKey('P-256');
      const [, csr] = await acme.crypto.createCsr({ commonName: w.names[0], altNames: [...w.names] }, key);
      const chain = await client.auto({
        csr,
        email: this.o.settings.email ?? undefined,
        termsOfServiceAgreed: true,
        challengePriority: ['http-01'],
        // The CA checks; a check of our own would go through public DNS and port 80, which tests and some setups lack.
        skipChallengeVerification: true,
        challengeCreateFn: async (_authz, challenge, keyAuthorization) => this.o.certificates.files.writeChallenge(challenge.token, keyAuthorization),
        challengeRemoveFn: async (_authz, challenge) => this.o.certificates.files.removeChallenge(challenge.token),
      });
      this.o.certificates.install(w.id, w.names, key.toString(), chain, 'acme', w.owner);
      log.info('certificate installed');
    } catch (err) {
      // A fresh client next time: it looks its account up again (a CA that lost it, a changed directory).
      this.client = null;
      const failures = (this.o.store.byId(w.id)?.failures ?? 0) + 1;
      const wait = backoffMs(failures, this.backoff);
      // acme-client loses a network error's code (it reports a TypeError instead): ask the directory again to name it.
      const reason = describeAcmeError((await this.unreachable()) ?? err, this.o.settings.directory);
      this.o.store.failed(w.id, reason, new Date(this.clock() + wait).toISOString());
      log.warn({ failures, retryInMs: wait }, `certificate order failed: ${reason}`);
    }
  }

  /** The error of a plain GET of the directory; null when it answers. */
  private unreachable(): Promise<Error | null> {
    return new Promise((resolve) => {
      const req = https.get(this.o.settings.directory, { agent: this.agent, timeout: 10_000 }, (res) => {
        res.resume();
        resolve(null);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', resolve);
    });
  }

  private async acmeClient(): Promise<acme.Client> {
    if (this.client) return this.client;
    const accountKey = await this.o.certificates.files.accountKey(async () => (await acme.crypto.createPrivateEcdsaKey('P-256')).toString());
    const poll = this.o.pollMs ?? 1000;
    this.client = new acme.Client({ directoryUrl: this.o.settings.directory, accountKey, backoffMin: poll, backoffMax: poll * 10, backoffAttempts: 10 });
    return this.client;
  }
}

function state(r: CertificateRow): CertificateState {
  return { ...r, names: namesOf(r) };
}

/**
 * acme-client's one axios instance: the CAs to trust (the system's, plus
 * PYHOST_ACME_CA_BUNDLE's), a timeout, and no retries of its own inside an
 * order (which would wait up to a minute and a quarter on a CA that is down):
 * the renewer retries whole orders with its backoff instead.
 */
function configureHttp(settings: AcmeSettings): https.Agent {
  const ca = settings.caBundle ? [...tls.rootCertificates, fs.readFileSync(settings.caBundle, 'utf8')] : undefined;
  const agent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
  acme.axios.defaults.httpsAgent = agent;
  acme.axios.defaults.timeout = 30_000;
  (acme.axios.defaults as { acmeSettings?: { retryMaxAttempts: number } }).acmeSettings!.retryMaxAttempts = 0;
  return agent;
}
