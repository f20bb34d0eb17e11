import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isRoot } from '../lib/platform-dirs.js';
import { ingressActivityFile, ingressLinkSocket, routeFiles } from '../domain/layout.js';
import { MeasuringRouter } from '../ingress/measuring-router.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import type { ContainerRuntime, HostCommands } from '../runtime/index.js';
import { AccountAdmin } from '../services/accounts/account-admin.js';
import { AccountArchives } from '../services/accounts/account-archives.js';
import { AccountDeletion } from '../services/accounts/account-deletion.js';
import { AccountLimits } from '../services/accounts/account-limits.js';
import { AccountState } from '../services/accounts/account-state.js';
import { AdminView } from '../services/accounts/admin-view.js';
import { ArchiveRestore } from '../services/accounts/archive-restore.js';
import { AuditLog } from '../services/accounts/audit-log.js';
import { AuthService } from '../services/accounts/auth-service.js';
import { CpuMeter } from '../services/accounts/cpu-meter.js';
import { BulkAccounts } from '../services/accounts/bulk-accounts.js';
import { DiskUsage } from '../services/accounts/disk-usage.js';
import { InstanceSettings } from '../services/accounts/instance-settings.js';
import { InviteCodes } from '../services/accounts/invite-codes.js';
import { LiveConnections } from '../services/accounts/live-connections.js';
import { OwnerAccess } from '../services/accounts/owner-access.js';
import { TarpitRuntime } from '../services/accounts/tarpit-runtime.js';
import { UserDisks } from '../services/accounts/user-disks.js';
import { Teaching } from '../services/accounts/teaching.js';
import { CompareKeeper } from '../services/compare/compare-keeper.js';
import { CompareService } from '../services/compare/compare-service.js';
import { ConsoleContainers } from '../services/consoles/console-containers.js';
import { ConsoleKeeper } from '../services/consoles/console-keeper.js';
import { ConsoleService } from '../services/consoles/console-service.js';
import { FileService } from '../services/files/file-service.js';
import { LogService } from '../services/logs/log-service.js';
import { WebappUsageRing } from '../services/webapps/usage-ring.js';
import { WebappUsage } from '../services/webapps/webapp-usage.js';
import { EgressProxy } from '../services/platform/egress-proxy.js';
import { IngressLinks } from '../services/platform/ingress-links.js';
import { repairLayout } from '../services/platform/layout-repair.js';
import { Reconciler } from '../services/platform/reconciler.js';
import { RestartBackoff } from '../services/platform/restart-backoff.js';
import { RoutePublisher } from '../services/platform/route-publisher.js';
import { RouterActivityReader } from '../services/platform/router-activity.js';
import { AppSleep } from '../services/webapps/app-sleep.js';
import { CustomDomains } from '../services/domains/custom-domains.js';
import { DnsCheck } from '../services/domains/dns-check.js';
import { DnsRecheck } from '../services/domains/dns-recheck.js';
import { buildTasks, type TaskServices } from '../services/tasks/tasks.js';
import { CertificateService } from '../services/tls/certificate-service.js';
import { SslService } from '../services/tls/ssl-service.js';
import { Renewer } from '../services/tls/renewer.js';
import { StaticFileService } from '../services/webapps/static-file-service.js';
import { WebappDeployer } from '../services/webapps/webapp-deployer.js';
import { WebappFiles } from '../services/webapps/webapp-files.js';
import { WebappHealth } from '../services/webapps/webapp-health.js';
import { WebappKeeper } from '../services/webapps/webapp-keeper.js';
import { WebappService } from '../services/webapps/webapp-service.js';
import { WebappSettings } from '../services/webapps/webapp-settings.js';
import { WebsiteKeeper } from '../services/websites/website-keeper.js';
import { WebsiteRunner } from '../services/websites/website-runner.js';
import { WebsiteService } from '../services/websites/website-service.js';

export interface Services {
  auth: AuthService;
  ownerAccess: OwnerAccess;
  audit: AuditLog;
  /** What an admin sets for the whole instance (sign-up mode, default limits). */
  settings: InstanceSettings;
  /** The proxy users' code reaches the internet through; it takes a changed allowlist at once. */
  egressProxy: EgressProxy;
  /** Console sockets and log streams, ended when their account loses access. */
  live: LiveConnections;
  /** What each account may use. */
  limits: AccountLimits;
  /** Invite codes: sign-up links that make their users a teacher's students. */
  invites: InviteCodes;
  /** Who teaches whom. */
  teaching: Teaching;
  /** The Admin page's accounts: list, create, change, reset a password. */
  accountAdmin: AccountAdmin;
  /** Many accounts from a pasted list, all or none. */
  bulkAccounts: BulkAccounts;
  /** Each account's disk and its quota (docs/disk-quotas.md). */
  disks: UserDisks;
  /** Each account's CPU time per day, and the tarpit past its allowance (docs/cpu-seconds.md). */
  cpu: CpuMeter;
  /** Disabling and enabling accounts; the expiry sweep. */
  accountState: AccountState;
  accountDeletion: AccountDeletion;
  /** Deleted accounts' files, kept as tarballs. */
  archives: AccountArchives;
  archiveRestore: ArchiveRestore;
  /** Each account's disk use, measured in the background. */
  diskUsage: DiskUsage;
  webapps: WebappService;
  /** Websites: command-based web apps (docs/websites.md). */
  websites: WebsiteService;
  staticFiles: StaticFileService;
  files: FileService;
  consoles: ConsoleService;
  logs: LogService;
  /** A web app's recent requests, CPU and memory for its Usage charts (docs/usage-charts.md). */
  webappUsage: WebappUsage;
  reconciler: Reconciler;
  /** Idle web apps sleep, and wake on their next request (docs/sleeping-apps.md). */
  sleep: AppSleep;
  /** Scheduled and always-on tasks. */
  tasks: TaskServices;
  /** Compare servers (docs/compare-servers.md). */
  compare: CompareService;
  /** Custom domains: allowed by an admin, limited per account, checked in DNS (docs/https.md). */
  customDomains: CustomDomains;
  /** Custom domains looked up again in the background, not when their sites are shown. */
  dnsRecheck: DnsRecheck;
  /** The TLS certificates the router serves (docs/https.md). */
  certificates: CertificateService;
  /** The ssl/ endpoints: uploaded certificates, or back to the automatic one. */
  ssl: SslService;
  /** ACME issuance and renewal; null unless PYHOST_ACME_DIRECTORY is set. */
  renewer: Renewer | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/**
 * The services, built once, each with its collaborators passed in: the
 * stores (one per table), one container runtime, one lock per kind of
 * workload shared by its service and its keeper in the reconciler. What
 * runs beside the requests starts when the app is ready and stops when it
 * closes: the route table for the router, the links it is served over,
 * the reconciler, the consoles' idle sweep.
 */
export default fp<{ runtime: ContainerRuntime; hostCommands?: ((instance: string) => HostCommands) | undefined; clock: () => number }>(
  async (app, { runtime: engine, hostCommands, clock }) => {
    const { config, stores, instanceId } = app;
    const log = app.log.child({ component: 'runtime' });
    const backoff = new RestartBackoff(clock);

    const limits = new AccountLimits(stores.meta, stores.users, config);
    const disks = new UserDisks({
      config, host: hostCommands?.(instanceId) ?? null, limits, users: stores.users, log: app.log.child({ component: 'disks' }),
      stopContainersOf: async (user) => {
        for (const c of await engine.list(instanceId)) if (c.labels.user === user.username && c.state === 'running') await engine.stop(c.id, 10);
      },
    });
    const diskOf = async (username: string) => {
      const user = stores.users.byUsername(username);
      if (user) await disks.ensure(user);
    };
    const files = new FileService(config, (owner) => disks.ensure(owner));
    const usageRing = new WebappUsageRing();
    const cpu = new CpuMeter({
      config, instance: instanceId, runtime: engine, usage: stores.cpuUsage, users: stores.users, limits, clock, log: app.log.child({ component: 'cpu' }), webappUsage: usageRing,
    });
    // Everything starts its containers through this: a console or task of an account over its CPU allowance starts slowed down.
    const runtime = new TarpitRuntime(engine, cpu, (spec) => diskOf(spec.username));
    const webappLocks = new KeyedLock();
    // The one writer of the certificate store (tls/) in this process.
    const certificates = new CertificateService(config.dataDir, config.ingressUid, stores.certificates);
    const customDomains = new CustomDomains({
      config, meta: stores.meta, store: stores.customDomains, dns: new DnsCheck(config.dns), limits,
      domainsOf: (owner) => [...stores.webapps.forUser(owner.id), ...stores.websites.forUser(owner.id)].map((site) => site.domain_name),
      certificates, clock,
    });
    const dnsRecheck = new DnsRecheck(customDomains, { log: app.log.child({ component: 'dns' }) });
    const health = new WebappHealth(stores.webapps);
    const deployer = new WebappDeployer(config, instanceId, stores.webapps, runtime, health, backoff, limits, log);
    const webappSettings = new WebappSettings(config, limits);
    const webapps = new WebappService({
      config, store: stores.webapps, users: stores.users, settings: webappSettings, files: new WebappFiles(config, files), deployer, health, locks: webappLocks, limits, domains: customDomains,
    });
    const consoleContainers = new ConsoleContainers(config, instanceId, runtime, limits, app.log.child({ component: 'consoles' }));
    const consoles = new ConsoleService(config, stores.consoles, stores.users, runtime, consoleContainers, limits, app.log.child({ component: 'consoles' }));
    const websiteRunner = new WebsiteRunner({ config, instance: instanceId, store: stores.websites, runtime, limits, log });
    const websites = new WebsiteService({
      config, store: stores.websites, webapps: stores.webapps, users: stores.users, files: new WebappFiles(config, files), runner: websiteRunner, limits, domains: customDomains,
    });
    const compare = new CompareService({ config, instance: instanceId, store: stores.compareRuns, runtime, limits, log: app.log.child({ component: 'compare' }), startRouter: () => MeasuringRouter.start(config),
    });
    const tasks = buildTasks({ config, instance: instanceId, stores, runtime, limits, backoff, clock, log });
    const reconciler = new Reconciler(instanceId, runtime, [
      new WebappKeeper({ config, store: stores.webapps, users: stores.users, service: webapps, deployer, health, locks: webappLocks, log }),
      new ConsoleKeeper(stores.users, consoles, consoleContainers),
      new WebsiteKeeper(stores.websites, stores.users, websites, websiteRunner),
      ...tasks.keepers,
      new CompareKeeper(compare, runtime),
    ], backoff, log);

    // The router's view of the store, and its way to the api (the router never opens either itself).
    const publisher = new RoutePublisher(stores.routeRows, routeFiles(config.dataDir), config.ingressUid, app.log.child({ component: 'routes' }));
    // Idle apps sleep; the router says which had requests, and which it holds requests for.
    const sleep = new AppSleep({
      config, store: stores.webapps, users: stores.users, limits, deployer, health, locks: webappLocks, lastRequest: (id) => activity.lastRequest(id), log: app.log.child({ component: 'sleep' }),
    });
    const activity = new RouterActivityReader(
      Array.from({ length: config.router.workers }, (_, i) => ingressActivityFile(config.dataDir, i + 1)),
      isRoot() ? config.ingressUid : process.getuid!(),
      // Web apps' keys; a website's (negative) never asks: websites do not sleep.
      (key, askedMs) => key > 0 && sleep.requestWake(key, askedMs),
      app.log.child({ component: 'activity' }),
    );
    const links = new IngressLinks(
      app.server,
      Array.from({ length: config.router.workers }, (_, i) => ingressLinkSocket(config.dataDir, i + 1)),
      config.ingressUid,
      app.log.child({ component: 'links' }),
    );

    // Every account's disk before its folders are put right and anything of it starts (docs/disk-quotas.md).
    app.addHook('onReady', async () => disks.ensureAll());
    // Folders and sockets from an older layout (or a restore) first: the router must reach them.
    app.addHook('onReady', async () => repairLayout(config, stores.users.all(), stores.webapps.all(), app.log));
    app.addHook('onReady', async () => publisher.start());
    // Before any container starts: they find the proxy's socket at once.
    const settings = new InstanceSettings(stores.meta, config);
    const egress = new EgressProxy(config, instanceId, engine.egressProxy, app.log.child({ component: 'egress' }), () => settings.egressAllow());
    app.addHook('onReady', async () => egress.start());
    app.addHook('onReady', async () => consoles.start());
    app.addHook('onReady', async () => compare.recoverInterrupted());
    app.addHook('onReady', async () => reconciler.start());
    app.addHook('onReady', async () => activity.start());
    app.addHook('onReady', async () => sleep.start());
    app.addHook('onReady', async () => tasks.services.scheduler.start());
    app.addHook('onReady', async () => cpu.start());
    app.addHook('onListen', async () => links.start());
    app.addHook('preClose', async () => links.stop());
    // Containers keep running when the api stops: apps never depend on it.
    app.addHook('onClose', async () => compare.idle());
    app.addHook('onClose', async () => reconciler.stop());
    app.addHook('onClose', async () => activity.stop());
    app.addHook('onClose', async () => sleep.stop());
    app.addHook('onClose', async () => tasks.services.scheduler.stop());
    app.addHook('onClose', async () => cpu.stop());
    app.addHook('onClose', async () => health.stop());
    app.addHook('onClose', async () => consoles.shutdown());
    app.addHook('onClose', async () => publisher.stop());

    const renewer = config.acme
      ? new Renewer({
        settings: config.acme, dashboardDomain: config.domain, certificates, store: stores.certificates,
        routes: () => stores.routeRows.snapshot(), hostsVersion: () => stores.routeRows.hostsVersion(), log: app.log.child({ component: 'acme' }), clock,
      })
      : null;
    app.addHook('onReady', async () => renewer?.start());
    app.addHook('onClose', async () => renewer?.stop());
    app.addHook('onReady', async () => dnsRecheck.start());
    app.addHook('onClose', async () => dnsRecheck.stop());

    const live = new LiveConnections();
    const audit = new AuditLog(stores.audit, clock);
    const invites = new InviteCodes(stores.inviteCodes, stores.users, settings, () => new Date(clock()).toISOString());
    const auth = new AuthService(stores, config, settings, live, invites);
    const accounts = accountServices({ app, auth, live, limits, disks, webapps, websites, consoles, reconciler, clock });
    app.decorate('services', {
      auth,
      ...accounts,
      ownerAccess: new OwnerAccess(stores.users),
      audit,
      invites,
      teaching: new Teaching(stores.users, stores.studentRows, live, audit),
      settings,
      egressProxy: egress,
      live,
      limits,
      disks,
      cpu,
      webapps,
      websites,
      staticFiles: new StaticFileService(stores.webapps, webappSettings),
      files,
      consoles,
      logs: new LogService(config),
      webappUsage: new WebappUsage({ config, ring: usageRing, clock }),
      reconciler,
      sleep,
      tasks: tasks.services,
      compare,
      customDomains,
      dnsRecheck,
      certificates,
      ssl: new SslService(certificates, config.acme !== null),
      renewer,
    });
  },
  { name: 'services', dependencies: ['store'] },
);

interface AccountServiceDeps {
  app: FastifyInstance;
  auth: AuthService;
  live: LiveConnections;
  limits: AccountLimits;
  disks: UserDisks;
  webapps: WebappService;
  websites: WebsiteService;
  consoles: ConsoleService;
  reconciler: Reconciler;
  clock: () => number;
}

/**
 * The Admin page's services. The expiry sweep and the disk-use sampler
 * run while the app does (started once it is ready, stopped when it closes).
 */
function accountServices({ app, auth, live, limits, disks, webapps, websites, consoles, reconciler, clock }: AccountServiceDeps) {
  const { config, stores } = app;
  const log = app.log.child({ component: 'accounts' });
  const diskUsage = new DiskUsage(stores.users, config.dataDir, log, clock, disks);
  const view = new AdminView(stores.accountList, limits, diskUsage, config.uidBase);
  const accountState = new AccountState({ stores, auth, live, webapps, consoles, reconciler, view, log, now: clock });
  const archives = new AccountArchives(config.dataDir, config.uidBase, stores.users);
  app.addHook('onReady', async () => {
    archives.ensureDir();
    accountState.start();
    diskUsage.start();
  });
  app.addHook('onClose', async () => {
    accountState.stop();
    diskUsage.stop();
  });
  return {
    accountAdmin: new AccountAdmin(stores, config, view, auth, live, log, clock),
    bulkAccounts: new BulkAccounts(stores, config, log, clock),
    accountState,
    accountDeletion: new AccountDeletion({ stores, config, state: accountState, webapps, websites, live, archives, disk: diskUsage, disks, log, now: clock }),
    archives,
    archiveRestore: new ArchiveRestore(stores, config, archives, view, log),
    diskUsage,
  };
}
